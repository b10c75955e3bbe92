// Exotel's side of a call through the Voicebot applet, as a faithful fake (docs/providers/exotel.md,
// section 5): asks the applet's https endpoint for the stream URL, opens it (its user:password@ sent as
// Basic auth, as Exotel does), streams the caller's PCM16 in 100 ms messages at real-time pace, and
// plays what comes back in real time: a mark returns once the audio before it has played, a clear
// drops what has not started (the chunk playing finishes). Every outbound chunk's size is checked.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "net/http_client.hpp"
#include "net/io_runtime.hpp"
#include "net/url.hpp"
#include "net/ws_channel.hpp"
#include "tools/sim/frame_queue.hpp"

namespace voxgate::sim {

struct exotel_options {
  std::string gateway;      // where sockets really go (http://127.0.0.1:port), as a proxy would send them
  std::string credentials;  // user:password in the applet's URL: Basic auth on its request; empty: none
  std::string from = "09876543210";
  std::string to = "08047491899";
  bool integer_numbers = false;  // the stream applet page's spelling: counters as JSON integers, not strings
  // What Exotel does with marks pending at a clear is not documented: echoed (once the chunk under way
  // has played), or dropped.
  bool echo_marks_on_clear = false;
};

// What the handset received, and what it made of it.
struct exotel_playback {
  std::size_t chunks = 0;
  std::size_t bytes = 0;
  std::size_t smallest = 0;  // bytes of the smallest chunk
  std::size_t largest = 0;
  std::size_t misaligned = 0;      // not a multiple of 320 bytes: Exotel waits 20 ms after the short packet
  std::size_t short_chunks = 0;    // under 3.2 kB: Exotel's minimum against network jitter
  std::size_t oversize = 0;        // over 100 kB: times out at Exotel
  std::size_t bad_payloads = 0;    // not base64, or an odd byte count
  std::size_t foreign_stream = 0;  // a stream_sid (or streamSid) other than ours
  std::size_t marks_echoed = 0;
  std::size_t marks_dropped = 0;  // pending at a clear, with echo_marks_on_clear off
  std::size_t clears = 0;
  std::chrono::milliseconds cleared{0};  // audio dropped by clears before it started
};

class exotel_call {
 public:
  using clock = std::chrono::steady_clock;

  explicit exotel_call(exotel_options options);
  ~exotel_call();
  exotel_call(const exotel_call&) = delete;
  exotel_call& operator=(const exotel_call&) = delete;

  // The applet's request: GET /exotel/voice?<query>&CallSid=...&CallFrom=...&CallTo=...&Direction=incoming.
  // On a 200 with {"url":...} the stream URL is kept for open_stream().
  net::http_client_response dial(const std::string& call_sid, const std::string& query = {});
  const std::string& stream_url() const { return stream_url_; }
  // Opens the stream URL (or `url`) at the gateway, keeping its path and query; its user info goes as
  // Authorization: Basic, or `authorization` when given ("" for none). An error, or empty on success.
  std::string open_stream(std::optional<std::string> authorization = std::nullopt, std::string url = {});

  void send_connected();
  void send_start();  // custom_parameters: the stream URL's query without sample-rate
  // Caller audio, PCM16 LE at the stream's rate: one message per 100 ms, the first now.
  void speak(const std::string& pcm);
  void send_dtmf(char digit, unsigned duration_ms = 100);
  void hang_up(const std::string& reason = "callended");  // stop, then the socket's close
  void close_socket();                                    // the close alone (Exotel does not promise a stop first)
  void send(std::string frame);

  std::shared_ptr<frame_queue> received() const { return received_; }
  bool closed_by_gateway() const;
  bool speaking() const;  // caller audio still waiting to be sent
  exotel_playback playback() const;
  std::chrono::milliseconds played() const;  // what the caller has heard
  std::chrono::milliseconds queued() const;  // received and not yet played
  net::io_runtime& io() { return io_; }
  const std::string& stream_sid() const { return stream_sid_; }

 private:
  struct chunk {
    clock::time_point start, end;
  };
  void on_frame(const std::string& frame);
  void run();
  void settle(clock::time_point now);  // retires the chunks that have finished playing

  exotel_options options_;
  std::string call_sid_;
  std::string stream_sid_ = "MZ5e7a0c1f3d2b4a69870e1f2d3c4b5a6f";
  std::string stream_url_;
  std::uint32_t rate_ = 8000;
  net::io_runtime io_{1};
  std::shared_ptr<frame_queue> received_ = std::make_shared<frame_queue>();
  std::shared_ptr<net::ws_channel_ptr> channel_ = std::make_shared<net::ws_channel_ptr>();
  bool we_closed_ = false;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t sequence_ = 0;  // under mutex_
  std::uint64_t chunk_ = 0;
  std::deque<std::pair<clock::time_point, std::string>> outgoing_;  // caller audio, when due
  clock::time_point next_speak_ = clock::now();
  std::deque<chunk> playing_;  // scheduled back to back, the first maybe under way
  clock::time_point play_end_ = clock::now();
  std::chrono::milliseconds played_{0};                          // by the chunks retired from playing_
  std::deque<std::pair<clock::time_point, std::string>> marks_;  // echoed when the audio before them has played
  exotel_playback stats_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace voxgate::sim
