// A Redis connection on one worker's loop, for the cluster's directory: commands are pipelined and
// their replies matched in order, and nothing ever blocks a worker. A lost connection is retried with
// backoff; while it is down every command fails at once with an error reply, so the caller decides
// (serve the call locally, refuse it) without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/io_runtime.hpp"
#include "net/redis/resp.hpp"

namespace voxgate::net::redis {

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;  // never logged
  int db = 0;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{1000};  // a reply later than this drops the connection
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::size_t max_pending = 10000;  // commands waiting for a reply; beyond it they fail at once
};

// redis://[[user]:password@]host[:port][/db]; nothing and `why` set when it is not one.
std::optional<options> parse_url(std::string_view url, std::string* why);

class client {
 public:
  // The reply, or an error reply made here: "ERR redis down: ..." (not sent: no connection),
  // "ERR redis lost: ..." (sent or queued when the connection went: it may or may not have run),
  // "ERR redis busy: ...", "ERR redis stopped".
  using callback = std::function<void(reply)>;
  // up: connected and authenticated; why: what happened, for one log line per change.
  using state_fn = std::function<void(bool up, const std::string& why)>;

  // Lives on worker `worker` of `io`, which must outlive it (stop() before the runtime stops).
  client(io_runtime& io, int worker, options o, state_fn on_state = {});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  void start();  // connects in the background
  void stop();   // closes; what waits fails with "ERR redis stopped"; from any thread, waits for the worker
  // From any thread: `done` runs on the client's worker, exactly once.
  void run(std::vector<std::string> args, callback done);
  bool up() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace voxgate::net::redis
