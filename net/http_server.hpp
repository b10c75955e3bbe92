// The gateway's HTTP listener: a small router for plain requests and WebSocket upgrade routes.
// Every upgrade attempt, accepted or refused, is logged on one info line and reported to an observer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/headers.hpp"
#include "net/http_types.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::net {

// Call exactly once, from any thread.
using responder = std::function<void(http_response)>;
using http_handler = std::function<void(http_request, responder)>;

struct upgrade_decision {
  bool accept = false;
  unsigned status = 403;                        // when refused
  std::string label;                            // short, for the metric ("bad_signature")
  std::string reason;                           // a sentence, for the log line and the response body
  std::shared_ptr<ws_sink> sink;                // when accepted: receives the first frames
  std::function<void(ws_channel_ptr)> on_open;  // when accepted: the channel, once open
  bool handshake_mode = true;                   // deliver one frame at a time until attach()
  bool name_call_in_log = false;                // hold the upgrade's log line until the start names the call
  int worker = -1;  // when accepted: the worker whose loop takes the socket (its call's); -1: where it came in
  std::size_t max_frame_bytes = 0;  // when accepted: this socket's bounds; 0: the server's
  std::size_t max_queue_bytes = 0;

  static upgrade_decision refuse(unsigned status, std::string label, std::string reason) {
    upgrade_decision d;
    d.status = status;
    d.label = std::move(label);
    d.reason = std::move(reason);
    return d;
  }
};
// Decides synchronously on the I/O thread: keep it to pure checks.
using upgrade_handler = std::function<upgrade_decision(const http_request&)>;

// The value reported as an upgrade attempt's path when no route knows the path.
inline constexpr std::string_view unrouted_path = "<unrouted>";

struct upgrade_attempt {
  std::string path;
  std::string remote;
  bool accepted = false;
  unsigned status = 101;
  std::string label;   // "ok" or a short refusal code
  std::string reason;  // the sentence that was logged
};

struct http_server_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_ws_frame_bytes = 64 * 1024;
  std::size_t max_ws_queue_bytes = 256 * 1024;
  int ws_handshake_timeout_ms = 10000;
};

class http_server {
 public:
  http_server(io_runtime& io, http_server_options options);
  ~http_server();

  void route(std::string method, std::string path, http_handler handler);  // exact path
  void route_prefix(std::string method, std::string prefix, http_handler handler);
  // Upgrade route: `path` exact, or a prefix when it ends with '/'.
  void route_ws(std::string path, upgrade_handler handler);
  void on_upgrade_attempt(std::function<void(const upgrade_attempt&)> observer);
  // Called on the I/O thread for each failed accept: "out_of_fds" or "other".
  void on_accept_error(std::function<void(std::string_view reason)> observer);

  // Binds and starts accepting; returns an error text, or empty on success.
  std::string start();
  void stop();
  std::uint16_t port() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace voxgate::net
