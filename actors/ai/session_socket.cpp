#include "actors/ai/session_socket.hpp"

#include "actors/socket_sinks.hpp"

namespace voxgate::actors::ai {

std::shared_ptr<session_socket> session_socket::connect(ai_session_internal me, const ws_connector& connector,
                                                        net::ws_connect_options options) {
  auto s = std::make_shared<session_socket>();
  connector(std::move(options), std::make_shared<ai_socket_sink>(me),
            [me, s](net::ws_channel_ptr channel, std::string error) {
              {
                std::lock_guard lock(s->m_);
                if (s->ended_) {
                  if (channel) channel->close("call ended before the AI answered");
                  return;
                }
                s->connected_ = channel;
              }
              caf::anon_send(me, ai_open_atom::value, std::move(channel), std::move(error));
            });
  return s;
}

void session_socket::close(std::string_view reason) {
  if (channel_) channel_->close(std::string(reason));
  std::lock_guard lock(m_);
  ended_ = true;
  if (connected_) connected_->close(std::string(reason));
  connected_.reset();
}

}  // namespace voxgate::actors::ai
