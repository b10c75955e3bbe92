// Outbound WebSocket (wss:// with verified TLS and SNI, or ws:// for local peers), delivered as a
// ws_channel whose frames go to a sink. Used for the AI session and by the test fakes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/headers.hpp"
#include "net/io_runtime.hpp"
#include "net/tls.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::net {

struct ws_connect_options {
  std::string url;
  header_list headers;  // e.g. Authorization; never logged
  tls_settings tls;
  std::chrono::milliseconds timeout{10000};  // connect, TLS and the WebSocket handshake, each
  // With pings: a peer silent this long is gone (a host that vanished sends no reset). 0: none.
  std::chrono::milliseconds idle_timeout{0};
  std::size_t max_frame_bytes = 1024 * 1024;
  std::size_t max_queue_bytes = 1024 * 1024;
};

// `done` runs once, on an I/O thread: a channel, or nullptr and an error text.
void ws_connect(io_runtime& io, ws_connect_options options, std::shared_ptr<ws_sink> sink,
                std::function<void(ws_channel_ptr, std::string)> done);

}  // namespace voxgate::net
