// A fake OpenAI Realtime server speaking the GA WebSocket protocol on 127.0.0.1: checks the bearer
// key, sends session.created, answers session.update with session.updated, records every client
// event, and lets a test push server events (speech, audio deltas, tool calls) or drop the socket.
// In echo mode it answers each input_audio_buffer.append with the same audio as an output delta.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "tests/fakes/frame_queue.hpp"

namespace voxgate::fakes {

class fake_openai {
 public:
  explicit fake_openai(std::string api_key, bool echo = false);
  ~fake_openai();
  std::string start();
  std::string url() const;  // ws://127.0.0.1:port/v1/realtime?model=gpt-realtime

  // The latest session's client events, and whether it was closed. Waits (up to 5 s) for a
  // session to exist, since the gateway opens it asynchronously after the webhook.
  std::shared_ptr<frame_queue> events() const;
  int sessions() const { return sessions_.load(); }
  int refused() const { return refused_.load(); }
  void send(std::string server_event);
  void drop();  // close the latest session from the server side, as OpenAI does on expiry
  // Holds session.updated back until release(), as a slow session set-up would.
  void defer_session_updated() { defer_ = true; }
  void release_session_updated();
  // Accepts the socket and then says nothing (no session.created), as a stalled AI would.
  void stay_silent() { silent_ = true; }
  // Answers each upgrade only after `delay` (its one I/O thread waits), as a far-away AI would.
  void delay_upgrades(std::chrono::milliseconds delay) { upgrade_delay_ms_ = static_cast<int>(delay.count()); }

 private:
  std::string api_key_;
  bool echo_;
  net::io_runtime io_{1};
  net::http_server server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable opened_;
  std::shared_ptr<frame_queue> events_ = std::make_shared<frame_queue>();
  net::ws_channel_ptr channel_;
  std::atomic<int> sessions_{0};
  std::atomic<int> refused_{0};
  std::atomic<bool> defer_{false};
  std::atomic<bool> silent_{false};
  std::atomic<int> upgrade_delay_ms_{0};
  bool update_pending_ = false;
};

}  // namespace voxgate::fakes
