// A fake OpenAI GPT-Live server on 127.0.0.1, written from the reference
// (../shared/reference/openai-live.md), not from VoxGate's own builders: it checks the bearer key,
// says nothing until session.start, validates session.start as the real schema does (strict: unknown
// fields refused), answers session.started, acks appends, and plays the model's side on command.
//
// Audio: in echo mode every session.input_audio.append comes back as a session.output_audio.delta.
// speak() plays a long reply at real time or faster; interrupt() is the caller cutting in: the model
// stops its audio at once (as GPT-Live does inside the model) and the caller's words follow as
// session.input_transcript.delta after `transcript_delay`. Tools: delegate() (client delegation) and
// call_function() (Responses delegation), with every answer recorded.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "tools/sim/frame_queue.hpp"

namespace voxgate::sim {

class openai_live_server {
 public:
  explicit openai_live_server(std::string api_key, bool echo = true);
  ~openai_live_server();
  std::string start();
  std::string url() const;  // ws://127.0.0.1:port/v1/live/sessions

  // The latest session's client events (waits up to 5 s for a session to exist).
  std::shared_ptr<frame_queue> events() const;
  int sessions() const { return sessions_.load(); }
  int refused() const { return refused_.load(); }  // upgrades refused (key, query string)
  int invalid_starts() const { return invalid_starts_.load(); }

  // The model's side, on the latest session.
  void send(std::string server_event);
  // `ms` of audio (the session's format; bytes of `fill`) in 100 ms deltas, `pace` times real time
  // (0: all at once). Returns at once; stops early on interrupt().
  void speak(std::chrono::milliseconds ms, double pace, unsigned char fill = 0x2a);
  // The caller cuts in: the audio stops now; the caller's words arrive after `transcript_delay`.
  void interrupt(std::string words, std::chrono::milliseconds transcript_delay);
  void delegate(std::string delegation_id);                                           // client delegation
  void call_function(std::string call_id, std::string name, std::string arguments);  // Responses delegation
  void usage(double seconds);
  void close_session(std::string reason);  // session.closed from the server, then the socket closes
  // Faults: a server that takes session.start and never answers it; one that never answers
  // session.close (the client must close the socket itself).
  void answer_start(bool yes) { answer_start_ = yes; }
  void answer_close(bool yes) { answer_close_ = yes; }
  // When speak()'s audio stopped (by interrupt() or at its end), on the steady clock.
  std::chrono::steady_clock::time_point spoke_until() const;

 private:
  struct session;
  void on_client_event(const std::shared_ptr<session>& s, const std::string& text);

  std::string api_key_;
  bool echo_;
  net::io_runtime io_{1};
  net::http_server server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable opened_;
  std::shared_ptr<session> latest_;
  std::shared_ptr<frame_queue> events_ = std::make_shared<frame_queue>();
  std::atomic<int> sessions_{0};
  std::atomic<int> refused_{0};
  std::atomic<int> invalid_starts_{0};
  std::atomic<bool> answer_start_{true};
  std::atomic<bool> answer_close_{true};
};

}  // namespace voxgate::sim
