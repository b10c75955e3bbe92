#include "cluster/relay.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "cluster/relay_channel.hpp"
#include "cluster/wire.hpp"
#include "codecs/base64.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/log_value.hpp"
#include "net/ws_client.hpp"

namespace voxgate::cluster {

namespace {

constexpr std::string_view peer_header = "x-voxgate-peer";
constexpr std::string_view peer_prefix = "peer:";
constexpr std::string_view peer_to = ":to:";  // peer:<from>:to:<to>, in a token's characters
constexpr std::int64_t peer_token_seconds = 60;

// A channel the owner has not attached to its call yet holds the frames that come meanwhile (the
// supervisor attaches within milliseconds); past 10 s (or relay_channel's frame bound) it is closed,
// as a socket would be.
constexpr auto handshake_timeout = std::chrono::seconds(10);

// The peers' tokens have a key of their own (a media token never opens the relay door) and name
// both ends, so a token is good only at the instance it was made for.
std::string peer_key(std::string_view secret) { return net::crypto::hmac_sha256(secret, "voxgate relay peer"); }
std::string calls_key(std::string_view secret) { return net::crypto::hmac_sha256(secret, "voxgate calls peer"); }
// An instance's name as a token carries it: a token has no brackets, so "[fd00::7]:8081" goes as
// "fd00::7:8081" (the port always follows the last colon, so nothing else reads the same) and comes
// back bracketed wherever two colons or more show an IPv6 address.
std::string token_name(std::string_view addr) {
  std::string out;
  for (char c : addr)
    if (c != '[' && c != ']') out += c;
  return out;
}
std::string addr_of_token_name(std::string name) {
  auto colon = name.rfind(':');
  if (colon == std::string::npos || name.find(':') == colon) return name;
  return "[" + name.substr(0, colon) + "]" + name.substr(colon);
}

std::string peer_id(std::string_view from, std::string_view to) {
  return std::string(peer_prefix) + token_name(from) + std::string(peer_to) + token_name(to);
}

// The instance that made `token` with `key` for `self`; nothing when it is not such a token.
std::optional<std::string> peer_named(std::string_view key, std::string_view token, std::string_view self) {
  std::string id;
  if (net::verify_call_token(key, token, "", net::unix_now(), &id) != net::token_check::ok) return std::nullopt;
  auto to = std::string(peer_to) + token_name(self);
  if (id.rfind(peer_prefix, 0) != 0 || id.size() <= peer_prefix.size() + to.size() ||
      id.compare(id.size() - to.size(), to.size(), to) != 0)
    return std::nullopt;
  return addr_of_token_name(id.substr(peer_prefix.size(), id.size() - peer_prefix.size() - to.size()));
}

}  // namespace

// One internal WebSocket between two instances, used both ways: each side carries provider sockets
// to the other (by channel numbers it picks: odd from the side that dialled, even from the other, so
// they never meet) and owns the relay channels the other side's sockets become.
class link final : public net::ws_sink, public channel_link, public std::enable_shared_from_this<link> {
 public:
  link(std::weak_ptr<relay::impl> relay, std::string peer, bool dialer)
      : relay_(std::move(relay)), peer_(std::move(peer)), next_channel_(dialer ? 1 : 2) {}

  const std::string& peer() const { return peer_; }
  bool dead() const {
    std::lock_guard lock(mutex_);
    return dead_;
  }

  void opened(net::ws_channel_ptr channel) {
    // Under the lock (send_text only queues): a message sent from another thread meanwhile waits
    // behind these, so an open is never overtaken by its own frames.
    std::lock_guard lock(mutex_);
    if (dead_) {
      channel->close("relay stopped");
      return;
    }
    channel_ = channel;
    for (auto& w : waiting_) put(*channel, std::move(w));
    waiting_.clear();
  }

  // A message of a binary kind goes as a binary WebSocket frame: a text frame must be UTF-8.
  void send(std::string message, bool droppable = false, bool binary = false) override {
    net::ws_channel_ptr channel;
    {
      std::lock_guard lock(mutex_);
      if (dead_) return;
      if (!channel_) {
        waiting_bytes_ += message.size();
        if (waiting_bytes_ > max_waiting_bytes) return;  // the connect fails or the link is cut first
        waiting_.push_back({std::move(message), droppable, binary});
        return;
      }
      channel = channel_;
    }
    put(*channel, {std::move(message), droppable, binary});
  }

  // A provider socket carried from now on; its channel number.
  std::optional<std::uint32_t> add_carried(net::ws_channel_ptr socket) {
    std::lock_guard lock(mutex_);
    if (dead_) return std::nullopt;
    auto ch = next_channel_;
    next_channel_ += 2;
    carried_[ch] = std::move(socket);
    return ch;
  }
  void forget(std::uint32_t ch) override {
    std::lock_guard lock(mutex_);
    carried_.erase(ch);
    owned_.erase(ch);
  }

  void on_text(std::string&& text) override { on_message(std::move(text), false); }
  bool takes_binary() const override { return true; }
  void on_binary(std::string&& bytes) override { on_message(std::move(bytes), true); }
  void on_closed(std::string reason) override;
  // Closes the connection; what it carried ends with `reason`.
  void shut(std::string reason) {
    net::ws_channel_ptr channel;
    {
      std::lock_guard lock(mutex_);
      channel = channel_;
    }
    if (channel)
      channel->close(reason);
    else
      on_closed(std::move(reason));
  }

 private:
  struct message {
    std::string bytes;
    bool droppable;
    bool binary;
  };
  static void put(net::ws_channel& channel, message m) {
    if (m.binary)
      channel.send_binary(std::move(m.bytes), m.droppable);
    else
      channel.send_text(std::move(m.bytes), m.droppable);
  }
  void on_message(std::string&& text, bool binary);

  std::weak_ptr<relay::impl> relay_;
  std::string peer_;
  mutable std::mutex mutex_;
  net::ws_channel_ptr channel_;
  std::vector<message> waiting_;  // sent before the connection opened
  std::size_t waiting_bytes_ = 0;
  static constexpr std::size_t max_waiting_bytes = 4 * 1024 * 1024;
  bool dead_ = false;
  std::uint32_t next_channel_;
  std::map<std::uint32_t, net::ws_channel_ptr> carried_;           // provider sockets here, their calls there
  std::map<std::uint32_t, std::shared_ptr<relay_channel>> owned_;  // the peer's sockets, for calls here
};

struct relay::impl : std::enable_shared_from_this<impl> {
  net::io_runtime& io;
  relay_settings settings;
  open_fn on_open;
  event_fn on_event;
  actors::metrics_registry& metrics;
  std::mutex mutex;
  // One link per peer (by its INSTANCE_ADDR), whichever side dialled it; the accepted ones also
  // here, for stop().
  std::map<std::string, std::shared_ptr<link>> links;
  std::vector<std::weak_ptr<link>> accepted;
  bool stopped = false;
  std::atomic<std::size_t> carrying{0};

  impl(net::io_runtime& io, relay_settings s, open_fn o, event_fn e, actors::metrics_registry& m)
      : io(io), settings(std::move(s)), on_open(std::move(o)), on_event(std::move(e)), metrics(m) {}

  std::shared_ptr<link> link_to(const std::string& owner) {
    std::shared_ptr<link> l;
    {
      std::lock_guard lock(mutex);
      if (stopped) return nullptr;
      auto& slot = links[owner];
      if (slot && !slot->dead()) return slot;
      slot = l = std::make_shared<link>(weak_from_this(), owner, true);
    }
    net::ws_connect_options o;
    o.url = "ws://" + owner + std::string(relay::path);
    o.headers = {{std::string(peer_header), relay::peer_token(settings.secret, settings.self, owner,
                                                              net::unix_now() + peer_token_seconds)}};
    o.timeout = settings.connect_timeout;
    o.idle_timeout = settings.idle_timeout;  // pings: an owner that vanished without a reset is noticed
    o.max_frame_bytes = settings.max_frame_bytes;
    o.max_queue_bytes = settings.max_queue_bytes;
    net::ws_connect(io, std::move(o), l, [l, owner](net::ws_channel_ptr channel, std::string error) {
      if (channel) {
        spdlog::info("relay to owner={} open", net::token{owner});
        l->opened(std::move(channel));
      } else {
        spdlog::warn("relay to owner={} failed error={}", net::token{owner}, net::quoted{error});
        l->on_closed("owner unreachable: " + error);
      }
    });
    return l;
  }

  void dropped(const link* l) {
    std::lock_guard lock(mutex);
    if (auto it = links.find(l->peer()); it != links.end() && it->second.get() == l) links.erase(it);
  }
};

void link::on_message(std::string&& text, bool binary) {
  auto relay = relay_.lock();
  if (!relay) return;
  std::string why;
  auto m = decode(std::move(text), &why);
  bool wrong_frame = m && is_binary(m->kind) != binary;
  if (wrong_frame) why = binary ? "a text kind in a binary frame" : "a binary kind in a text frame";
  if (!m || wrong_frame) {
    relay->metrics.bad_frames.with({"relay", "malformed"}).inc();
    spdlog::warn("relay peer={} sent a bad message ({}): connection closed", net::token{peer_}, why);
    shut("bad relay message");
    return;
  }
  switch (m->kind) {
    case wire_kind::open: {
      std::shared_ptr<relay_channel> channel;
      {
        std::lock_guard lock(mutex_);
        if (dead_ || owned_.count(m->channel)) return;
        channel = std::make_shared<relay_channel>(weak_from_this(), m->channel, peer_ + " (relayed)",
                                                  relay->metrics.relayed_calls.with({"owned"}));
        owned_[m->channel] = channel;
      }
      // Outside the lock: the sink may answer at once (a refusal closes the channel through this link).
      auto provider = relay->settings.providers ? relay->settings.providers(m->provider) : nullptr;
      if (!provider) {  // a peer running a provider this instance does not (a rolling upgrade)
        channel->close("unknown provider " + m->provider);
        return;
      }
      channel->set_sink(relay->on_open(channel, provider, std::move(m->token)));
      if (provider->media().binary_start()) {
        auto start = codecs::base64::decode(m->body);
        if (!start) {
          relay->metrics.bad_frames.with({"relay", "malformed"}).inc();
          spdlog::warn("relay peer={} opened channel={} with a start that is not base64: channel closed",
                       net::token{peer_}, m->channel);
          channel->close("start is not base64");
          return;
        }
        channel->deliver(std::move(*start), true);
      } else {
        channel->deliver(std::move(m->body), false);
      }
      // Not attached in time (its call ended before it could take it): closed, as a socket would be.
      auto check = [](void*, void* arg) {
        std::unique_ptr<std::weak_ptr<relay_channel>> weak(static_cast<std::weak_ptr<relay_channel>*>(arg));
        if (auto c = weak->lock(); c && c->in_handshake()) c->close("no attach within 10 s");
      };
      auto* weak = new std::weak_ptr<relay_channel>(channel);
      if (!relay->io.run_here_at(std::chrono::steady_clock::now() + handshake_timeout, check, nullptr, weak))
        delete weak;
      return;
    }
    case wire_kind::frame:
    case wire_kind::audio:
    case wire_kind::binary_frame:
    case wire_kind::binary_audio:
    case wire_kind::close: {
      std::shared_ptr<relay_channel> owned;
      net::ws_channel_ptr carried;
      {
        std::lock_guard lock(mutex_);
        if (auto it = owned_.find(m->channel); it != owned_.end()) owned = it->second;
        if (auto it = carried_.find(m->channel); it != carried_.end()) carried = it->second;
        if (m->kind == wire_kind::close) {
          owned_.erase(m->channel);
          carried_.erase(m->channel);
        }
      }
      bool droppable = m->kind == wire_kind::audio || m->kind == wire_kind::binary_audio;
      if (owned) {
        if (m->kind == wire_kind::close)
          owned->peer_closed(std::move(m->body));
        else
          owned->deliver(std::move(m->body), binary);
      } else if (carried) {
        if (m->kind == wire_kind::close)
          carried->close(std::move(m->body));
        else if (binary)
          carried->send_binary(std::move(m->body), droppable);
        else
          carried->send_text(std::move(m->body), droppable);
      }
      return;
    }
    case wire_kind::event: {
      auto ev = decode_event(m->body, relay->settings.providers, &why);
      if (!ev) {
        relay->metrics.bad_frames.with({"relay", "malformed"}).inc();
        spdlog::warn("relay peer={} sent a bad event ({}): ignored", net::token{peer_}, why);
        return;
      }
      relay->metrics.cluster_events.with({"received"}).inc();
      relay->on_event(std::move(*ev));
      return;
    }
  }
}

void link::on_closed(std::string reason) {
  std::map<std::uint32_t, net::ws_channel_ptr> carried;
  std::map<std::uint32_t, std::shared_ptr<relay_channel>> owned;
  {
    std::lock_guard lock(mutex_);
    if (dead_) return;
    dead_ = true;
    carried.swap(carried_);
    owned.swap(owned_);
    waiting_.clear();
    channel_.reset();
  }
  if (!carried.empty() || !owned.empty())
    spdlog::warn("relay peer={} lost: {} carried and {} owned calls' sockets end reason={}", net::token{peer_},
                 carried.size(), owned.size(), net::quoted{reason});
  for (auto& [ch, socket] : carried) socket->close("relay lost: " + reason);
  for (auto& [ch, channel] : owned) channel->peer_closed("relay lost: " + reason);
  if (auto relay = relay_.lock()) relay->dropped(this);
}

namespace {

// On the instance holding the provider's socket: its frames and its close go to the owner; binary
// ones too where the provider streams raw audio.
class carried_sink final : public net::ws_sink {
 public:
  carried_sink(std::shared_ptr<link> via, std::uint32_t channel, std::shared_ptr<relay::impl> relay, bool binary)
      : via_(std::move(via)), channel_(channel), relay_(std::move(relay)), binary_(binary) {}
  void on_text(std::string&& frame) override { via_->send(encode_frame(wire_kind::frame, channel_, frame)); }
  bool takes_binary() const override { return binary_; }
  void on_binary(std::string&& frame) override {
    via_->send(encode_frame(wire_kind::binary_frame, channel_, frame), false, true);
  }
  void on_closed(std::string reason) override {
    via_->send(encode_frame(wire_kind::close, channel_, reason));
    via_->forget(channel_);
    --relay_->carrying;
    relay_->metrics.relayed_calls.with({"carried"}).sub();
  }

 private:
  std::shared_ptr<link> via_;
  std::uint32_t channel_;
  std::shared_ptr<relay::impl> relay_;
  bool binary_;
};

}  // namespace

relay::relay(net::io_runtime& io, relay_settings settings, open_fn on_open, event_fn on_event,
             actors::metrics_registry& metrics)
    : impl_(std::make_shared<impl>(io, std::move(settings), std::move(on_open), std::move(on_event), metrics)) {
  metrics.relayed_calls.with({"carried"});
  metrics.relayed_calls.with({"owned"});
  for (const char* r : {"forwarded", "received", "dropped"}) metrics.cluster_events.with({r});
}

relay::~relay() { stop(); }

void relay::carry(net::ws_channel_ptr socket, actors::provider_ptr provider, std::string token,
                  std::string start_frame, const std::string& owner) {
  auto l = impl_->link_to(owner);
  auto ch = l ? l->add_carried(socket) : std::nullopt;
  if (!ch) {  // the relay to the owner ended a moment ago, or this instance is stopping
    impl_->metrics.media_refused.with({std::string(actors::to_string(provider)), "relay_unavailable"}).inc();
    spdlog::warn("media socket refused provider={} remote={} reason=relay_unavailable owner={}",
                 actors::to_string(provider), net::token{socket->remote()}, net::token{owner});
    socket->close("relay_unavailable");
    return;
  }
  ++impl_->carrying;
  impl_->metrics.relayed_calls.with({"carried"}).add();
  wire_message open;
  open.kind = wire_kind::open;
  open.channel = *ch;
  open.provider = std::string(actors::to_string(provider));
  open.token = std::move(token);
  // A binary start (AudioSocket's UUID frame) goes base64 in the open's text body: an instance of an
  // earlier version then refuses that one socket as a malformed start, not the link as a bad message.
  open.body = provider->media().binary_start() ? codecs::base64::encode(start_frame) : std::move(start_frame);
  l->send(encode(open));
  bool binary = provider->media().takes_binary();
  socket->attach(std::make_shared<carried_sink>(l, *ch, impl_, binary));
}

void relay::forward(const actors::provider_event& ev, const std::string& owner) {
  auto l = impl_->link_to(owner);
  if (!l) return;
  impl_->metrics.cluster_events.with({"forwarded"}).inc();
  l->send(encode_frame(wire_kind::event, 0, encode_event(ev)));
}

net::upgrade_decision relay::accept(const net::http_request& req) {
  auto named = peer_named(peer_key(impl_->settings.secret), net::header_or(req.headers, peer_header),
                          impl_->settings.self);
  if (!named)
    return net::upgrade_decision::refuse(
        403, "bad_peer_token",
        "not a peer of this cluster, or not for this instance (same CALL_TOKEN_SECRET everywhere? INSTANCE_ADDR right?)");
  auto peer = std::move(*named);
  auto l = std::make_shared<link>(impl_, peer, false);
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return net::upgrade_decision::refuse(503, "stopping", "this instance is stopping");
    impl_->accepted.push_back(l);
    std::erase_if(impl_->accepted, [](const std::weak_ptr<link>& w) { return w.expired(); });
    // Media this instance carries to that peer later rides this same connection.
    if (auto& slot = impl_->links[peer]; !slot || slot->dead()) slot = l;
  }
  net::upgrade_decision d;
  d.accept = true;
  d.sink = l;
  d.on_open = [l](net::ws_channel_ptr channel) { l->opened(std::move(channel)); };
  d.handshake_mode = false;
  d.max_frame_bytes = impl_->settings.max_frame_bytes;
  d.max_queue_bytes = impl_->settings.max_queue_bytes;
  d.reason = "peer " + peer;
  return d;
}

std::size_t relay::carrying() const { return impl_->carrying.load(); }

std::string relay::peer_token(std::string_view secret, std::string_view from, std::string_view to,
                              std::int64_t expires_at_unix) {
  return net::mint_call_token(peer_key(secret), peer_id(from, to), expires_at_unix);
}

std::string relay::calls_peer_token(std::string_view secret, std::string_view from, std::string_view to,
                                    std::int64_t expires_at_unix) {
  return net::mint_call_token(calls_key(secret), peer_id(from, to), expires_at_unix);
}

net::header_list relay::calls_request_headers(std::string_view to) const {
  const auto& s = impl_->settings;
  return {{std::string(peer_header), calls_peer_token(s.secret, s.self, to, net::unix_now() + peer_token_seconds)}};
}

bool relay::from_peer_asking_calls(const net::http_request& req) const {
  const auto* token = net::find_header(req.headers, peer_header);
  return token && peer_named(calls_key(impl_->settings.secret), *token, impl_->settings.self);
}

bool relay::came_from_peer(const net::ws_channel& channel) {
  return dynamic_cast<const relay_channel*>(&channel) != nullptr;
}

void relay::stop() {
  std::vector<std::shared_ptr<link>> links;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    for (auto& [addr, l] : impl_->links) links.push_back(l);
    for (auto& w : impl_->accepted)
      if (auto l = w.lock()) links.push_back(l);
  }
  for (auto& l : links) l->shut("instance stopping");
}

}  // namespace voxgate::cluster
