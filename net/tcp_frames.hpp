// Media over plain TCP in type-length-value frames (net/tlv_assembler), as Asterisk's AudioSocket
// speaks it: a listener whose connections are ws_channels to the actors, each whole frame a binary
// frame, so they take the WebSocket media path.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/io_runtime.hpp"
#include "net/tlv_assembler.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::net {

struct tcp_media_options {
  std::string name;  // the provider's, for log lines
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  std::size_t max_payload = max_tlv_payload;
  std::size_t max_queue_bytes = 64 * 1024;
  std::chrono::milliseconds first_frame_timeout{2000};  // the handshake: until attach()
  std::chrono::milliseconds idle_timeout{30000};        // nothing read for this long: cut
  std::chrono::milliseconds close_timeout{500};         // after our goodbye, the peer's EOF awaited
  std::string goodbye;                                  // written last on our close (AudioSocket's hang-up, 00 00 00)
};

// Accepts connections on the workers in turn. Each is in handshake mode: one frame at a time to the
// sink `on_accept` returns, until attach(). send_binary writes each frame whole in one write, with
// TCP_NODELAY; close() writes what is queued, then `goodbye`, shuts the sending side and awaits EOF.
class tcp_media_listener {
 public:
  using accept_handler = std::function<std::shared_ptr<ws_sink>(ws_channel_ptr)>;
  tcp_media_listener(io_runtime& io, tcp_media_options options, accept_handler on_accept);
  ~tcp_media_listener();
  tcp_media_listener(const tcp_media_listener&) = delete;
  tcp_media_listener& operator=(const tcp_media_listener&) = delete;

  std::string start();  // binds; an error text, or empty
  void stop();
  std::uint16_t port() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace voxgate::net
