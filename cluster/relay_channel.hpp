// On the owner: a provider socket that lives on a peer instance, as the call and the supervisor see it
// (a net::ws_channel). Its frames come over the relay's link and its sends go back over it; the link
// itself is cluster/relay.cpp's, seen here only as where to send.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "actors/metrics.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::cluster {

// What a relay channel needs of the connection that carries it.
class channel_link {
 public:
  virtual ~channel_link() = default;
  // One message of cluster/wire.hpp; `binary` ones go as binary WebSocket frames (not UTF-8).
  virtual void send(std::string message, bool droppable, bool binary) = 0;
  virtual void forget(std::uint32_t channel) = 0;
};

// Frames reach the sink in order, one at a time (`delivery_`); a sink may call back into the channel
// from on_text (send, close, attach) without deadlock. A channel its call has not taken holds the
// frames that come meanwhile, within bounds (then it closes, as a socket would).
class relay_channel final : public net::ws_channel {
 public:
  static constexpr std::size_t max_handshake_frames = 500;  // 10 s of 20 ms media

  relay_channel(std::weak_ptr<channel_link> via, std::uint32_t channel, std::string remote, actors::gauge& owned);
  ~relay_channel() override;

  void set_sink(std::shared_ptr<net::ws_sink> sink);
  // A frame from the provider's socket on the peer; binary ones only to a sink that takes them.
  void deliver(std::string frame, bool binary);
  bool in_handshake();
  // The peer closed it (or the connection went): the sink hears it once.
  void peer_closed(std::string reason);

  void send_text(std::string text, bool droppable_audio) override;
  void send_binary(std::string bytes, bool droppable_audio) override;
  void close(std::string reason) override;
  void resume() override;
  void attach(std::shared_ptr<net::ws_sink> sink) override;
  net::ws_stats stats() const override;
  const std::string& remote() const override { return remote_; }
  std::uint64_t id() const override { return id_; }

 private:
  struct frame {
    std::string bytes;
    bool binary;
  };
  void hand_over(frame f);  // to the sink, under delivery_
  void end(std::string reason);

  std::weak_ptr<channel_link> via_;
  std::uint32_t channel_;
  std::string remote_;
  std::uint64_t id_;
  actors::gauge& owned_;
  std::recursive_mutex delivery_;
  std::shared_ptr<net::ws_sink> sink_;
  bool handshake_ = true;
  int credit_ = 1;  // handshake mode: frames that may be delivered before the next resume()
  std::deque<frame> queued_;
  std::string close_reason_;  // under delivery_, once closed
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> frames_in_{0};
  std::atomic<std::uint64_t> frames_out_{0};
  std::atomic<std::uint64_t> refused_binary_{0};
};

}  // namespace voxgate::cluster
