#include "actors/socket_sinks.hpp"

namespace voxgate::actors {

handshake_sink::handshake_sink(supervisor_internal supervisor, provider_ptr provider, std::string upgrade_token)
    : supervisor_(std::move(supervisor)), provider_(provider), upgrade_token_(std::move(upgrade_token)) {}

std::shared_ptr<handshake_sink> media_door(const supervisor_actor& supervisor, provider_ptr provider,
                                           std::string upgrade_token) {
  return std::make_shared<handshake_sink>(caf::actor_cast<supervisor_internal>(supervisor), provider,
                                          std::move(upgrade_token));
}

pending_socket handshake_sink::socket() const { return {channel_.lock(), provider_, upgrade_token_}; }

void handshake_sink::on_text(std::string&& frame) {
  auto s = socket();
  if (s.channel) caf::anon_send(supervisor_, hs_frame_atom::value, std::move(s), std::move(frame));
}

bool handshake_sink::takes_binary() const { return provider_->media().takes_binary(); }

void handshake_sink::on_binary(std::string&& frame) {
  auto s = socket();
  if (s.channel) caf::anon_send(supervisor_, hs_binary_atom::value, std::move(s), std::move(frame));
}

void handshake_sink::on_closed(std::string reason) {
  auto s = socket();
  if (s.channel) caf::anon_send(supervisor_, hs_closed_atom::value, std::move(s), std::move(reason));
}

}  // namespace voxgate::actors
