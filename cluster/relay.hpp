// The relay: a call's media socket that reached an instance other than its call's owner is carried
// to the owner over one internal WebSocket per pair of instances (the first of the two that needs it
// dials the other's INSTANCE_ADDR at /internal/relay; both then use it, either way). On the owner the socket appears as a
// net::ws_channel like any other, so the call, its AI session (the one opened while the phone rang)
// and the supervisor's handshake work unchanged. Provider events for the owner's calls ride the same
// connection. Messages: cluster/wire.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "cluster/wire.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::cluster {

struct relay_settings {
  std::string self;    // this instance's INSTANCE_ADDR, named to the owner
  std::string secret;  // CALL_TOKEN_SECRET: the same on every instance; it authenticates the peers
  std::chrono::milliseconds connect_timeout{2000};  // each of connect and handshake
  std::chrono::milliseconds idle_timeout{10000};    // a link silent this long (pings unanswered) is cut
  std::size_t max_frame_bytes = 256 * 1024;      // one provider frame with its header
  std::size_t max_queue_bytes = 8 * 1024 * 1024;  // all the calls of one pair
  provider_lookup providers;  // this instance's providers, by the names the peers send
};

class relay {
 public:
  static constexpr std::string_view path = "/internal/relay";

  // On the owner: what a channel opened by a peer becomes. Returns the sink its first frames go to
  // (the gateway's media door, as for a socket of its own).
  using open_fn = std::function<std::shared_ptr<net::ws_sink>(net::ws_channel_ptr, actors::provider_ptr,
                                                              std::string upgrade_token)>;
  using event_fn = std::function<void(actors::provider_event)>;

  relay(net::io_runtime& io, relay_settings settings, open_fn on_open, event_fn on_event,
        actors::metrics_registry& metrics);
  ~relay();
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  // On the instance holding a provider socket whose start named a call owned at `owner`: carries the
  // socket there, its start first. `token` is the one the upgrade came with (may be empty).
  void carry(net::ws_channel_ptr socket, actors::provider_ptr provider, std::string token, std::string start_frame,
             const std::string& owner);
  // A provider event for a call owned at `owner`.
  void forward(const actors::provider_event& ev, const std::string& owner);

  // The /internal/relay upgrade: a peer authenticated by a token made with the shared secret.
  net::upgrade_decision accept(const net::http_request& req);

  // Provider sockets held here for calls owned elsewhere: a draining instance waits for them too.
  std::size_t carrying() const;
  // The token a peer presents at `to`'s relay door (x-voxgate-peer), made from the shared secret.
  static std::string peer_token(std::string_view secret, std::string_view from, std::string_view to,
                                std::int64_t expires_at_unix);
  // A peer asking this instance for its own /calls (for /calls?scope=cluster) shows a token of
  // another kind (x-voxgate-peer, from the shared secret, addressed to this instance, good for 60 s):
  // it never opens the relay door, and the operator's OPS_TOKEN never leaves the instance it was
  // given to. The headers for asking `to`; and whether `req` is such a request, addressed here.
  net::header_list calls_request_headers(std::string_view to) const;
  bool from_peer_asking_calls(const net::http_request& req) const;
  static std::string calls_peer_token(std::string_view secret, std::string_view from, std::string_view to,
                                      std::int64_t expires_at_unix);
  // True for a channel that came from a peer (so it is never carried on again).
  static bool came_from_peer(const net::ws_channel& channel);
  void stop();  // closes every connection (their channels end)

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace voxgate::cluster
