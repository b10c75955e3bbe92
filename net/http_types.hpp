// An HTTP request as a route sees it, and the response it gives: plain values, no transport.
#pragma once

#include <string>
#include <string_view>

#include "net/headers.hpp"

namespace voxgate::net {

struct http_request {
  std::string method;
  std::string target;  // path and query, as received
  header_list headers;
  std::string body;
  std::string remote;  // "ip:port"

  std::string_view path() const;
  std::string_view query() const;  // after '?', or empty
};

struct http_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  header_list headers;

  static http_response text(unsigned status, std::string body);
};

}  // namespace voxgate::net
