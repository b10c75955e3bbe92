// A small HTTP peer on 127.0.0.1 for tests: records every request and answers with a canned
// response (a fake tool endpoint, a fake provider REST API). Also a blocking client call.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"

namespace voxgate::fakes {

class http_peer {
 public:
  using answer_fn = std::function<net::http_response(const net::http_request&)>;

  http_peer();
  ~http_peer();
  // Answers `method` requests under `prefix` with `answer`.
  void on(std::string method, std::string prefix, answer_fn answer);
  std::string start();           // returns an error text, or empty
  std::string base_url() const;  // http://127.0.0.1:port
  std::vector<net::http_request> requests() const;
  // Waits until at least n requests arrived.
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  net::io_runtime io_{1};
  net::http_server server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<net::http_request> requests_;
};

// Blocking HTTP request through the gateway's own client (tests only).
net::http_client_response fetch_sync(net::io_runtime& io, net::http_client_request request);

}  // namespace voxgate::fakes
