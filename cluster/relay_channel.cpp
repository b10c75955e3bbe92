#include "cluster/relay_channel.hpp"

#include <spdlog/spdlog.h>

#include "cluster/wire.hpp"

namespace voxgate::cluster {
namespace {

// Relay channels' ids, apart from the sockets' own (both show in logs as the channel's id).
std::atomic<std::uint64_t> next_relay_channel_id{1ull << 48};

}  // namespace

relay_channel::relay_channel(std::weak_ptr<channel_link> via, std::uint32_t channel, std::string remote,
                             actors::gauge& owned)
    : via_(std::move(via)), channel_(channel), remote_(std::move(remote)), id_(next_relay_channel_id++), owned_(owned) {
  owned_.add();
}

relay_channel::~relay_channel() {
  if (!closed_) owned_.sub();
}

void relay_channel::set_sink(std::shared_ptr<net::ws_sink> sink) {
  std::lock_guard lock(delivery_);
  sink_ = std::move(sink);
}

void relay_channel::hand_over(frame f) {
  if (!f.binary) {
    sink_->on_text(std::move(f.bytes));
  } else if (sink_->takes_binary()) {
    sink_->on_binary(std::move(f.bytes));
  } else if (refused_binary_.fetch_add(1) == 0) {
    // As a socket does for a sink that takes no binary frames: refused, counted, logged once.
    spdlog::warn("relay channel={} refused a binary frame ({} bytes): its sink takes text only", channel_,
                 f.bytes.size());
  }
}

void relay_channel::deliver(std::string bytes, bool binary) {
  std::lock_guard lock(delivery_);
  if (closed_ || !sink_) return;
  ++frames_in_;
  if (!handshake_ || credit_ > 0) {
    if (handshake_) --credit_;
    hand_over({std::move(bytes), binary});
  } else if (queued_.size() < max_handshake_frames) {
    queued_.push_back({std::move(bytes), binary});
  } else {
    close("no attach within " + std::to_string(max_handshake_frames) + " frames");
  }
}

bool relay_channel::in_handshake() {
  std::lock_guard lock(delivery_);
  return handshake_ && !closed_;
}

void relay_channel::peer_closed(std::string reason) {
  if (closed_.exchange(true)) return;
  owned_.sub();
  end(std::move(reason));
}

void relay_channel::send_text(std::string text, bool droppable_audio) {
  auto via = via_.lock();
  if (!via || closed_) return;
  ++frames_out_;
  via->send(encode_frame(droppable_audio ? wire_kind::audio : wire_kind::frame, channel_, text), droppable_audio,
            false);
}

void relay_channel::send_binary(std::string bytes, bool droppable_audio) {
  auto via = via_.lock();
  if (!via || closed_) return;
  ++frames_out_;
  via->send(encode_frame(droppable_audio ? wire_kind::binary_audio : wire_kind::binary_frame, channel_, bytes),
            droppable_audio, true);
}

void relay_channel::close(std::string reason) {
  if (closed_.exchange(true)) return;
  owned_.sub();
  if (auto via = via_.lock()) {
    via->send(encode_frame(wire_kind::close, channel_, reason), false, false);
    via->forget(channel_);
  }
  end(std::move(reason));
}

void relay_channel::resume() {
  std::lock_guard lock(delivery_);
  if (closed_ || !handshake_) return;
  if (queued_.empty()) {
    ++credit_;
    return;
  }
  auto f = std::move(queued_.front());
  queued_.pop_front();
  hand_over(std::move(f));
}

void relay_channel::attach(std::shared_ptr<net::ws_sink> sink) {
  std::unique_lock lock(delivery_);
  if (closed_) {
    // Closed while its call was being told of it: the call hears of the close, as from a socket.
    auto reason = close_reason_;
    lock.unlock();
    sink->on_closed(std::move(reason));
    return;
  }
  sink_ = std::move(sink);
  handshake_ = false;
  while (!queued_.empty()) {
    auto f = std::move(queued_.front());
    queued_.pop_front();
    hand_over(std::move(f));
  }
}

net::ws_stats relay_channel::stats() const {
  return {frames_in_.load(), frames_out_.load(), 0, refused_binary_.load()};
}

void relay_channel::end(std::string reason) {
  std::shared_ptr<net::ws_sink> sink;
  {
    std::lock_guard lock(delivery_);
    sink = std::move(sink_);
    queued_.clear();
    close_reason_ = reason;
  }
  if (sink) sink->on_closed(std::move(reason));
}

}  // namespace voxgate::cluster
