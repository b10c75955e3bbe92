// The test fakes' handset: the simulator's playback (tools/sim/playback.hpp, how Twilio and Telnyx
// answer marks) on a thread of its own, which echoes each mark when its audio has played on the real
// clock. Both fakes use this so the gateway's playout clock is tested honestly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "net/headers.hpp"
#include "net/io_runtime.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tools/sim/playback.hpp"

namespace voxgate::fakes {

class mark_player {
 public:
  using clock = std::chrono::steady_clock;

  explicit mark_player(std::function<void(const std::string&)> echo, std::size_t bytes_per_ms = 8);
  ~mark_player();
  // Ends the thread that echoes marks (idempotent): before the echo's socket loop stops, since a mark
  // echoed then would post to a loop already gone.
  void stop();
  void on_media(std::size_t audio_bytes);
  void on_mark(std::string name);
  void on_clear();
  std::chrono::milliseconds queued() const;  // audio not yet played
  std::chrono::milliseconds played() const;  // audio the caller has heard so far

 private:
  void run();
  std::function<void(const std::string&)> echo_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  sim::playback playback_;
  bool stop_ = false;
  std::thread thread_;
};

// What both fakes' media sides share: the loop, the frames received, the socket, and the handset that
// answers marks with `mark_echo(name)` once their audio has played. Hanging up, it closes the socket
// and lets the close handshake finish before the loop stops.
class provider_media {
 public:
  explicit provider_media(std::function<std::string(const std::string&)> mark_echo);
  ~provider_media();
  provider_media(const provider_media&) = delete;
  provider_media& operator=(const provider_media&) = delete;

  // Opens the media socket (see open_provider_socket). Empty on success.
  std::string open(const std::string& gateway, const std::string& stream_url, net::header_list headers);
  void send(std::string frame);
  void hang_up(std::string reason);

  std::shared_ptr<frame_queue> received() const { return received_; }
  const mark_player& handset() const { return *player_; }
  net::io_runtime& io() { return io_; }

 private:
  net::io_runtime io_{1};
  std::shared_ptr<frame_queue> received_ = std::make_shared<frame_queue>();
  std::shared_ptr<net::ws_channel_ptr> channel_ = std::make_shared<net::ws_channel_ptr>();
  std::shared_ptr<mark_player> player_;
};

// A sink for a fake provider's media socket: records every frame and feeds media, mark and clear
// to `player`, so marks come back the way the provider sends them.
std::shared_ptr<net::ws_sink> provider_sink(std::shared_ptr<frame_queue> received, std::shared_ptr<mark_player> player);

// Opens a fake provider's media socket: to `gateway` (http://host:port) at the path of `stream_url`,
// as a proxy in front of the gateway would. Stores the channel in `channel`; returns an error or empty.
std::string open_provider_socket(net::io_runtime& io, const std::string& gateway, const std::string& stream_url,
                                 net::header_list headers, std::shared_ptr<frame_queue> received,
                                 std::shared_ptr<mark_player> player, std::shared_ptr<net::ws_channel_ptr> channel);

}  // namespace voxgate::fakes
