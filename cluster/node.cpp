#include "cluster/node.hpp"

#include <spdlog/spdlog.h>

#include "net/log_value.hpp"

namespace voxgate::cluster {

namespace {

void refuse(actors::metrics_registry& metrics, const actors::pending_socket& socket, const std::string& call_id,
            const char* reason, std::string_view detail) {
  auto provider = std::string(actors::to_string(socket.provider));
  metrics.media_refused.with({provider, reason}).inc();
  spdlog::warn("media socket refused provider={} remote={} call={} reason={} detail={}", provider,
               net::token{socket.channel->remote()}, net::token{call_id}, reason, net::quoted{detail});
  socket.channel->close(reason);
}

}  // namespace

node::node(net::io_runtime& io, actors::metrics_registry& metrics, node_settings s, relay::open_fn on_open,
           relay::event_fn on_event)
    : metrics_(metrics),
      self_(s.self),
      directory_(io, 0, s.redis, directory_settings{s.self, s.ttl},
                 [&metrics, self = s.self, was_up = std::make_shared<int>(-1)](bool up, const std::string& why) {
                   metrics.redis_up.with({}).set(up ? 1 : 0);
                   if (*was_up == static_cast<int>(up)) return;  // one line per change, not per retry
                   *was_up = up;
                   if (up)
                     spdlog::info("redis up: instance={} is in the cluster", self);
                   else
                     spdlog::warn(
                         "redis down error={}: serving only calls whose webhook and media both reach this instance; "
                         "reconnecting with backoff",
                         net::quoted{why});
                 }),
      // A relay connection silent for the TTL (pings unanswered) is cut, as the directory forgets an
      // instance silent that long.
      relay_(io, relay_settings{.self = s.self, .secret = s.secret, .idle_timeout = s.ttl, .providers = s.providers}, std::move(on_open),
             std::move(on_event), metrics) {
  metrics.redis_up.with({}).set(0);
  auto hooks = std::make_shared<actors::cluster_hooks>();
  hooks->carry_socket = [this](actors::pending_socket socket, std::string start, std::string call_id) {
    carry_socket(std::move(socket), std::move(start), std::move(call_id));
  };
  hooks->forward_event = [this](actors::provider_event ev) { forward_event(std::move(ev)); };
  hooks->released = [this](const std::string& call_id) { directory_.release(call_id); };
  hooks_ = std::move(hooks);
}

node::~node() { stop(); }

void node::start() { directory_.start(); }

void node::stop() {
  relay_.stop();
  directory_.stop();
}

void node::carry_socket(actors::pending_socket socket, std::string start_frame, std::string call_id) {
  // A channel a peer carried here names a call this instance does not have: it ended, or the
  // directory moved; carrying it on could loop.
  if (relay::came_from_peer(*socket.channel))
    return refuse(metrics_, socket, call_id, "unknown_call", "carried here by a peer, but no such call is live here");
  if (lookups_.fetch_add(1) >= max_lookups) {
    lookups_.fetch_sub(1);
    return refuse(metrics_, socket, call_id, "directory_busy",
                  "too many sockets waiting for the directory to name their call's owner");
  }
  directory_.owner_of(call_id, [this, socket = std::move(socket), start_frame = std::move(start_frame), call_id](
                                   std::string owner, std::string error) mutable {
    lookups_.fetch_sub(1);
    if (!error.empty())
      return refuse(metrics_, socket, call_id, "redis_down",
                    "Redis is down (" + error +
                        "): the instance that took this call's webhook cannot be found; only calls whose webhook "
                        "and media reach the same instance are served");
    if (owner.empty() || owner == self_)
      return refuse(metrics_, socket, call_id, "unknown_call", "no live instance owns this call");
    spdlog::info("call={} media socket relayed to owner={}", net::token{call_id}, net::token{owner});
    relay_.carry(socket.channel, socket.provider, socket.upgrade_token, std::move(start_frame), owner);
  });
}

void node::forward_event(actors::provider_event ev) {
  auto call_id = ev.call_id;
  directory_.owner_of(call_id, [this, ev = std::move(ev)](std::string owner, std::string error) {
    if (!error.empty() || owner.empty() || owner == self_) {
      metrics_.cluster_events.with({"dropped"}).inc();
      metrics_.webhooks.with({std::string(actors::to_string(ev.provider)), "unknown_call"}).inc();
      if (error.empty())
        spdlog::info("event for unknown call={} ignored event_id={}", net::token{ev.call_id}, net::token{ev.event_id});
      else
        spdlog::info("event for unknown call={} ignored event_id={} redis_down={}", net::token{ev.call_id},
                     net::token{ev.event_id}, net::quoted{error});
      return;
    }
    spdlog::info("call={} event forwarded to owner={} event_id={}", net::token{ev.call_id}, net::token{owner},
                 net::token{ev.event_id});
    relay_.forward(ev, owner);
  });
}

}  // namespace voxgate::cluster
