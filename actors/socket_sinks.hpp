// The bridge from net's sockets to actors: each sink turns a socket event into one CAF message.
#pragma once

#include <memory>

#include "actors/engine.hpp"
#include "actors/messages.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::actors {

// A media socket in handshake: frames go to the supervisor with the socket they came from.
class handshake_sink final : public net::ws_sink {
 public:
  handshake_sink(supervisor_internal supervisor, provider_ptr provider, std::string upgrade_token);
  void bind(const net::ws_channel_ptr& channel) { channel_ = channel; }
  void on_text(std::string&& frame) override;
  bool takes_binary() const override;
  void on_binary(std::string&& frame) override;
  void on_closed(std::string reason) override;

 private:
  pending_socket socket() const;
  supervisor_internal supervisor_;
  provider_ptr provider_;
  std::string upgrade_token_;
  std::weak_ptr<net::ws_channel> channel_;  // weak: the channel owns this sink
};

// The door a provider's media socket comes in through: its frames go to the supervisor until the
// stream's start names its call, with the provider and the token that came with the upgrade.
std::shared_ptr<handshake_sink> media_door(const supervisor_actor& supervisor, provider_ptr provider,
                                           std::string upgrade_token);

// Any socket owned by one actor: frames and the close go straight to it. A frame's message, and what
// it wakes on this worker, is handled before on_text returns (run_woken_here).
template <class Handle, class FrameAtom, class ClosedAtom>
class actor_sink final : public net::ws_sink {
 public:
  explicit actor_sink(Handle target) : target_(std::move(target)) {}
  void on_text(std::string&& frame) override {
    run_woken_here now;
    caf::anon_send(target_, FrameAtom::value, std::move(frame));
  }
  void on_closed(std::string reason) override { caf::anon_send(target_, ClosedAtom::value, std::move(reason)); }

 private:
  Handle target_;
};

// A provider's socket owned by its call: text frames, binary ones where the provider streams raw audio
// (each handled before on_text/on_binary returns, as for actor_sink).
class call_sink final : public net::ws_sink {
 public:
  call_sink(call_internal call, bool takes_binary) : call_(std::move(call)), takes_binary_(takes_binary) {}
  void on_text(std::string&& frame) override {
    run_woken_here now;
    caf::anon_send(call_, frame_atom::value, std::move(frame));
  }
  bool takes_binary() const override { return takes_binary_; }
  void on_binary(std::string&& frame) override {
    run_woken_here now;
    caf::anon_send(call_, binary_frame_atom::value, std::move(frame));
  }
  void on_closed(std::string reason) override { caf::anon_send(call_, closed_atom::value, std::move(reason)); }

 private:
  call_internal call_;
  bool takes_binary_;
};

using ai_socket_sink = actor_sink<ai_session_internal, ai_frame_atom, ai_closed_atom>;

}  // namespace voxgate::actors
