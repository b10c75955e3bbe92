// The gateway's public base URL: what providers must call, and what signatures are computed over.
// PUBLIC_URL wins. Without it the base is derived from proxy headers, and the caller logs how, loudly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/headers.hpp"

namespace voxgate::net {

struct public_base {
  std::string http;  // https://host[:port][/prefix], no trailing slash
  std::string ws;    // the same with wss:// (or ws:// for plain http)
  std::string how;   // a sentence for the log: where the value came from

  std::string http_url(std::string_view target) const { return http + std::string(target); }
  std::string ws_url(std::string_view path) const { return ws + std::string(path); }
};

// Validates and normalises PUBLIC_URL: http(s) only, trailing slashes removed, no query.
std::optional<public_base> public_base_from_config(std::string_view public_url, std::string* why);

// Derives from X-Forwarded-Proto / X-Forwarded-Host (first value of each), then Host.
// `listener_tls` says whether the request reached us over TLS directly.
public_base derive_public_base(const header_list& request_headers, bool listener_tls);

}  // namespace voxgate::net
