// The running gateway: CAF actor system, I/O threads, HTTP server and routes, wired from a config.
// `voxgate serve` runs one; integration tests run one in-process on 127.0.0.1.
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "actors/call_env.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "app/config.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/providers/registry.hpp"
#include "net/public_url.hpp"
#include "net/tcp_frames.hpp"

namespace voxgate::cluster {
class node;
}

namespace voxgate::app {

// What `voxgate version` prints and voxgate_build_info reports.
inline constexpr std::string_view build_version = "0.1.0";

class gateway {
 public:
  explicit gateway(config c);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  // Binds and starts serving; returns an error text, or empty on success.
  std::string start();
  // Refuses new calls and waits up to `timeout` for live ones to end. Returns the calls still live.
  std::uint64_t drain(std::chrono::seconds timeout);
  void stop();

  std::uint16_t port() const { return server_->port(); }
  // The other instances' own listener (INTERNAL_PORT), 0 when they use PORT.
  std::uint16_t internal_port() const { return internal_server_ ? internal_server_->port() : 0; }
  // The port of a provider's raw TCP media listener (AudioSocket), 0 when it has none.
  std::uint16_t tcp_media_port(std::string_view provider) const;
  std::uint64_t live_calls();
  actors::metrics_registry& metrics() { return metrics_; }
  const net::providers::set& providers() const { return *providers_; }
  net::io_runtime& runtime() { return *io_; }  // the workers (tests hold a loop to make it lag)
  const config& settings() const { return config_; }
  // The public base for a request: PUBLIC_URL, or derived from its headers (logged once).
  net::public_base public_base_for(const net::header_list& headers);

 private:
  void end_calls(std::chrono::milliseconds grace);
  void add_provider_routes(actors::provider_ptr p);
  void add_ops_routes();
  // A provider's raw TCP media listener: its connections enter through the same door as a media socket.
  void add_tcp_media(actors::provider_ptr p, const net::providers::tcp_listener& where);
  // Accepts a media socket in handshake mode: its first frames go to the supervisor. A token from the
  // upgrade's path is verified here, and names the call whose worker the socket is moved to before
  // the handshake; without one the socket stays where it came in.
  net::upgrade_decision accept_media_socket(actors::provider_ptr provider, std::string upgrade_token);
  // In a cluster, a new call is first claimed in the directory: `admit` runs when it is this
  // instance's (or Redis is down: then it is served here alone), `elsewhere` when another instance
  // took the same webhook first. On one instance `admit` runs at once.
  void claim_call(std::string_view provider, const std::string& call_id, std::function<void()> admit,
                  std::function<void(std::string owner)> elsewhere);
  void add_cluster_routes();
  void cluster_calls(net::responder respond);
  void own_calls(net::responder respond);  // this instance's calls as /calls lists them
  // Another instance asking for this one's calls with its own token; none without OPS_TOKEN.
  bool peer_asking_calls(const net::http_request& req) const;

  config config_;
  actors::metrics_registry metrics_;
  std::optional<net::public_base> configured_base_;
  std::atomic<bool> derived_logged_{false};
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  // Destruction order matters: the actor system runs on the workers and goes before the runtime,
  // whose stopped io_contexts still hold handlers until it is destroyed.
  std::unique_ptr<net::providers::set> providers_;
  std::unique_ptr<net::io_runtime> io_;
  std::unique_ptr<caf::actor_system_config> caf_config_;
  std::unique_ptr<caf::actor_system> system_;
  std::unique_ptr<net::http_server> server_;
  std::unique_ptr<net::http_server> internal_server_;  // INTERNAL_PORT: the other instances' door
  std::vector<std::pair<actors::provider_ptr, std::unique_ptr<net::tcp_media_listener>>> tcp_media_;
  std::unique_ptr<cluster::node> cluster_;  // with REDIS_URL only
  actors::call_env_ptr env_;
  actors::supervisor_actor supervisor_;
};

void setup_logging(const config& c);

// X-VoxGate-Simulated, sent by VoxGate's own tools: "probe", "call" or "load" ("other" for any other
// value), or empty for a real call. A label only: it changes no behaviour and no security check.
std::string simulated_origin(const net::header_list& headers);

}  // namespace voxgate::app
