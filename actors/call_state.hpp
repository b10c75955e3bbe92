// The call actor's state and what its two files share: actors/call.cpp (the behaviour, how a call
// ends, its tool calls and REST requests) and actors/call_media.cpp (the media path: provider frames
// in, the playout out, barge-in, the transcoder's place). Internal to the call actor.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "actors/call.hpp"
#include "actors/playout.hpp"
#include "net/reorder_buffer.hpp"

namespace voxgate::actors::call_parts {

using time_point = caf::actor_clock::time_point;

// When the caller's audio reached the gateway, by position in the audio handed to the AI (ms from its
// first byte): an AI that says where in that audio the caller's turn ended is placed back in time.
// Keeps the last few seconds in a fixed ring (no allocation per frame).
class caller_timeline {
 public:
  void add(std::uint32_t ms, time_point at) {
    end_ms_ += ms;
    ring_[next_++ % ring_.size()] = {end_ms_, at};
  }
  std::uint64_t end_ms() const { return end_ms_; }
  // When the audio at `pos` arrived: the arrival of the chunk holding it, extrapolated at real-time
  // pace past the ends of the window.
  std::optional<time_point> arrival(std::uint64_t pos) const {
    if (next_ == 0) return std::nullopt;
    const entry* holding = nullptr;
    std::size_t n = std::min<std::size_t>(next_, ring_.size());
    for (std::size_t i = 1; i <= n; ++i) {
      const auto& e = ring_[(next_ - i) % ring_.size()];
      if (e.end_ms <= pos) break;
      holding = &e;
    }
    if (!holding) return ring_[(next_ - 1) % ring_.size()].at;  // at or past the newest audio
    if (holding == &ring_[(next_ - n) % ring_.size()] && n == ring_.size())
      return holding->at - std::chrono::milliseconds(holding->end_ms - pos);  // older than the window
    return holding->at;
  }

 private:
  struct entry {
    std::uint64_t end_ms = 0;
    time_point at{};
  };
  std::array<entry, 128> ring_{};  // 2.5 s of 20 ms frames: the AI decides well within that
  std::size_t next_ = 0;
  std::uint64_t end_ms_ = 0;
};

struct call_state {
  static inline const char* name = "call";

  call_env_ptr env;
  std::shared_ptr<call_record> record;
  std::string id;  // for log lines
  std::string provider_name;
  const net::media_dialect* dialect = nullptr;
  codecs::audio_format provider_format = codecs::audio_format::g711_ulaw();
  codecs::audio_format ai_format = codecs::audio_format::g711_ulaw();
  net::reorder_buffer<std::string> reorder;  // Telnyx media arrives unordered

  net::ws_channel_ptr provider;  // null while ringing
  std::string stream_id;
  ai_session_actor ai;
  transcoder_actor transcoder;  // only when formats differ
  std::optional<playout> play;
  std::string chunk_mark;
  bool tick_pending = false;
  bool hangup_scheduled = false;
  bool stopped = false;  // the provider said stop
  std::uint32_t bad_frames_logged = 0;
  bool ai_ready = false;
  bool ai_down = false;      // the AI session ended; the call is on its way out
  bool apologizing = false;  // the AI failed before it was ready: the caller hears the apology, then it ends
  ai_usage usage;            // backends billed by time: what the session has cost so far

  // AI time to first audio: from the caller's end of speech (or ready, for a greeting) to the first
  // frame of the reply sent to the provider, which sits at `reply_at_ms` in the playout's timeline.
  std::optional<time_point> awaiting_audio_since;
  std::optional<std::uint64_t> reply_at_ms;
  caller_timeline caller_audio;

  counter* frames_in = nullptr;
  counter* frames_out = nullptr;
  counter* dropped_out = nullptr;
  actor_metrics am{};
  ~call_state() {
    if (am.live) am.live->sub();
  }
};

using call_pointer = call_internal::stateful_pointer<call_state>;

inline std::uint64_t now_ms(call_pointer self) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(self->clock().now().time_since_epoch()).count());
}

// ---- actors/call.cpp ----
void set_phase(call_pointer self, call_phase next);
// Ends the call once, with this outcome: the provider's socket closed, the AI and the transcoder let
// go, the summary line logged.
void end_call(call_pointer self, const call_end& end);

// ---- actors/call_media.cpp ----
// Feeds the provider from the playout queue as far as the lead allows.
void pump(call_pointer self);
// The AI could not be reached: the caller hears the apology, then the call ends as ai_failed.
void apologize(call_pointer self);
// The AI ended the caller's turn, having heard caller audio up to `decided_at_ms`.
void turn_ended(call_pointer self, std::uint64_t decided_at_ms);
void on_provider_frame(call_pointer self, std::string& frame, bool binary);
// The caller spoke over the AI: the provider's queue cleared, the AI told what was heard.
void barge_in(call_pointer self);
playout::options playout_for(const call_state& st);
ai_audio_sink plan_transcoder(call_pointer self);

}  // namespace voxgate::actors::call_parts
