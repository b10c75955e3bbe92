// Outbound HTTP(S) requests (tool webhooks, provider REST APIs): verified TLS, bounded response,
// one timeout for the whole exchange. The callback runs once on an I/O thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "net/headers.hpp"
#include "net/io_runtime.hpp"
#include "net/tls.hpp"

namespace voxgate::net {

struct http_client_response;

struct http_client_request {
  std::string method = "GET";
  std::string url;
  header_list headers;  // never logged
  std::string body;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_response_bytes = 1024 * 1024;
  tls_settings tls;
  // An idempotent request (a hangup) is sent again, this many more times at most, after an exchange
  // that may not have reached the server or that it answered "not now": a transport error or timeout,
  // 408, 429 or 5xx. It waits `retry_wait` before the second try and twice as long before each next.
  // Every failed answer that is followed by another try goes to `on_retry` first, with the wait; the
  // last answer goes to the callback as without retries. Nothing else is ever sent twice.
  int retries = 0;
  std::chrono::milliseconds retry_wait{1000};
  std::function<void(const http_client_response&, std::chrono::milliseconds again_in)> on_retry;
};

struct http_client_response {
  unsigned status = 0;  // 0 when the exchange failed
  header_list headers;
  std::string body;
  std::string error;  // empty on a completed exchange (any status)

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

void http_fetch(io_runtime& io, http_client_request request, std::function<void(http_client_response)> done);

// Requests whose callback has not run yet, retries and their waits included (shutdown waits for them:
// a provider's hangup among them).
std::size_t http_requests_in_flight();
// Of those, the ones sent again on failure (`retries`): a call's hang-up, which must outlive its call.
std::size_t http_retried_requests_in_flight();

}  // namespace voxgate::net
