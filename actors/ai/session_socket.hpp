// An AI session's WebSocket. The session can end (the caller hung up) while its socket is still
// connecting, and the connect's arrival then finds no one: whichever of the two comes second closes
// the socket, so a late connect leaves nothing open.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "actors/call_env.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors::ai {

class session_socket {
 public:
  // Connects for `me`, which then gets ai_open_atom with the channel, or none and the error text.
  static std::shared_ptr<session_socket> connect(ai_session_internal me, const ws_connector& connector,
                                                 net::ws_connect_options options);

  // On the session's own thread, from its ai_open handler on.
  void opened(net::ws_channel_ptr channel) { channel_ = std::move(channel); }
  bool is_open() const { return channel_ != nullptr; }
  void send(std::string text, bool droppable = false) {
    if (channel_) channel_->send_text(std::move(text), droppable);
  }
  // When the session ends: closes the socket now, or as soon as its connect completes.
  void close(std::string_view reason);

 private:
  net::ws_channel_ptr channel_;  // the session's thread only
  std::mutex m_;                 // guards the two below, which the connect callback reads
  bool ended_ = false;
  net::ws_channel_ptr connected_;
};

}  // namespace voxgate::actors::ai
