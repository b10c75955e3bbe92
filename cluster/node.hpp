// This instance as a member of a cluster (REDIS_URL set): the directory, the relay, and the hooks
// through which the supervisor reaches the other instances. The app builds one and wires it in.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/call_env.hpp"
#include "actors/metrics.hpp"
#include "cluster/directory.hpp"
#include "cluster/relay.hpp"
#include "net/io_runtime.hpp"
#include "net/redis/client.hpp"

namespace voxgate::cluster {

struct node_settings {
  net::redis::options redis;
  std::string self;    // INSTANCE_ADDR
  std::string secret;  // CALL_TOKEN_SECRET
  std::chrono::milliseconds ttl{15000};
  provider_lookup providers;  // this instance's providers, by name (events and sockets from peers)
};

class node {
 public:
  node(net::io_runtime& io, actors::metrics_registry& metrics, node_settings settings, relay::open_fn on_open,
       relay::event_fn on_event);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  void start();
  // Ends the relay's connections (their sockets close), then leaves the directory.
  void stop();

  std::shared_ptr<const actors::cluster_hooks> hooks() const { return hooks_; }
  directory& calls() { return directory_; }
  relay& relays() { return relay_; }
  const std::string& self() const { return self_; }

 private:
  void carry_socket(actors::pending_socket socket, std::string start_frame, std::string call_id);
  void forward_event(actors::provider_event ev);

  actors::metrics_registry& metrics_;
  std::string self_;
  directory directory_;
  relay relay_;
  // Sockets waiting for the directory to name their call's owner. An AudioSocket's UUID frame comes
  // with no other credential, and each lookup is a Redis GET beside the heartbeat and the webhooks'
  // claims: a flood of sockets is refused past this many, not queued on Redis.
  static constexpr int max_lookups = 128;
  std::atomic<int> lookups_{0};
  std::shared_ptr<actors::cluster_hooks> hooks_;
};

}  // namespace voxgate::cluster
