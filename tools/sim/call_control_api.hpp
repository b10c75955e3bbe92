// Plays Telnyx's Call Control API on 127.0.0.1 for the tools that play Telnyx (voxgate call,
// voxgate load, through Telnyx's caller): the gateway (TELNYX_API_BASE=http://127.0.0.1:PORT/v2) sends its commands
// here, and its answer carries the media socket's URL and token. Every command is answered 200 and kept.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"

namespace voxgate::sim {

struct call_control_command {
  std::string call_control_id;  // as the path names it (percent-encoded)
  std::string action;           // answer, streaming_start, reject, hangup, ...
  std::string body;             // JSON
};

class call_control_api {
 public:
  explicit call_control_api(std::uint16_t port);
  ~call_control_api();
  call_control_api(const call_control_api&) = delete;
  call_control_api& operator=(const call_control_api&) = delete;

  std::string start();  // "" once listening
  std::uint16_t port() const { return server_.port(); }

  // The first command among `actions` within `timeout`.
  std::optional<call_control_command> wait_for(std::initializer_list<std::string_view> actions,
                                               std::chrono::milliseconds timeout);
  // Without waiting: removes and returns the first command for `call_control_id` among `actions`.
  std::optional<call_control_command> take(std::string_view call_control_id,
                                           std::initializer_list<std::string_view> actions);

 private:
  net::io_runtime io_{1};
  net::http_server server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<call_control_command> commands_;
};

}  // namespace voxgate::sim
