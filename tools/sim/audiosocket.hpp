// Asterisk's side of an AudioSocket call, as docs/providers/audiosocket.md §7 describes it: the
// dialplan's CURL of /audiosocket/voice (its body the UUID), then AudioSocket() dialling the gateway
// over TCP (TCP_NODELAY): the UUID frame in one write, slin frames every 20 ms of real time, DTMF frames
// among them, reading all the while. 0x00 or EOF from the gateway is the hang-up; any other kind, empty
// or odd-sized audio, a payload split from its header, or audio faster than real time is recorded as a
// protocol error (real Asterisk 20.14+ drops the call on the first ones). The caller's hang-up closes the
// socket without 0x00, as Asterisk does.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.hpp"
#include "net/io_runtime.hpp"

namespace voxgate::sim {

class audiosocket_call {
 public:
  struct options {
    std::string gateway;           // http://127.0.0.1:port: the webhook
    std::string secret;            // sent as Authorization: Bearer <secret>; empty: no header
    std::uint16_t media_port = 0;  // the gateway's AudioSocket listener on 127.0.0.1
    std::uint32_t rate = 8000;     // 0x10 (8 kHz) or 0x12 (16 kHz)
    // How far the gateway's audio may run ahead of real time (a jitter buffer's worth) before it is an error.
    std::chrono::milliseconds max_ahead{60};
  };

  explicit audiosocket_call(options o);
  ~audiosocket_call();
  audiosocket_call(const audiosocket_call&) = delete;
  audiosocket_call& operator=(const audiosocket_call&) = delete;

  // The dialplan's ${CURL(...)}: GET /audiosocket/voice?from=..&to=..[&query]; the UUID is kept from a 200.
  // `authorization` overrides the header the secret makes ("" sends none).
  net::http_client_response dial(const std::string& from, const std::string& to, const std::string& query = {},
                                 std::optional<std::string> authorization = std::nullopt);
  const std::string& uuid() const { return uuid_; }

  // AudioSocket(uuid, 127.0.0.1:port): connects and sends the UUID frame (the dialled one by default).
  // Returns an error text, or empty.
  std::string connect(std::optional<std::string> uuid = std::nullopt);
  // Connects and sends nothing (an unanswered channel's app, or a stray client).
  std::string connect_silent();
  void send_raw(const std::string& bytes);  // in one write, as given

  // The caller: slin at real-time pace, 20 ms a frame, on its own thread (returns at once).
  void speak(const std::string& s16le);
  bool speaking() const { return speaking_.load(); }
  void send_dtmf(char digit);
  // The caller hangs up: the socket closes, no 0x00 (Asterisk never sends it).
  void hang_up();

  // ---- what the gateway sent ----
  bool wait_ended(std::chrono::milliseconds timeout);  // 0x00 or EOF
  bool got_hangup_frame() const;                       // the gateway's 00 00 00
  bool ended() const;
  std::string audio() const;                // every audio payload, in order
  std::chrono::milliseconds heard() const;  // the audio received, as time
  std::size_t audio_frames() const;
  std::vector<std::string> protocol_errors() const;
  // The most the gateway's audio ran ahead of real time (the far end's buffer at its fullest).
  std::chrono::milliseconds max_ahead() const;

 private:
  void read_loop();
  bool read_exact(char* at, std::size_t n);
  void fail(std::string what);
  void write_frame(const std::string& frame);

  options options_;
  net::io_runtime io_{1};
  std::string uuid_;
  int fd_ = -1;
  std::mutex write_mutex_;
  std::thread reader_, speaker_;
  std::atomic<bool> speaking_{false}, stop_{false};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string audio_;
  std::size_t frames_ = 0;
  bool ended_ = false, hangup_frame_ = false;
  std::vector<std::string> errors_;
  std::chrono::steady_clock::time_point buffered_until_{};  // where the far end's jitter buffer runs dry
  std::chrono::steady_clock::duration max_ahead_{};
};

}  // namespace voxgate::sim
