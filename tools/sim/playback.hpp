// The caller's ear, as Twilio and Telnyx model it: audio plays in the order it arrives at a fixed
// byte rate (8 bytes a millisecond for G.711 at 8 kHz), a mark comes back once the audio queued before
// it has played (at once when nothing is queued), and a clear drops what has not played and returns
// every pending mark at once. Pure and driven by the caller's clock, with no thread of its own, so one
// loop can play thousands of calls (`voxgate load`) and a test can play one on a made-up clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace voxgate::sim {

class playback {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  explicit playback(std::size_t bytes_per_ms = 8) : bytes_per_ms_(bytes_per_ms) {}

  // `bytes` of audio arrive at `now`; returns when they start playing (after what is queued).
  time_point on_media(std::size_t bytes, time_point now);
  // A mark arrives: due once the audio before it has played (see due()).
  void on_mark(std::string name, time_point now);
  // Drops the audio not yet played; returns every pending mark, in order, to be answered at once.
  std::vector<std::string> on_clear(time_point now);

  // The marks whose audio has played by `now`, in order; each is returned once.
  std::vector<std::string> due(time_point now);
  // The same without a vector: calls `answer(name)` for each (for a loop that plays many calls).
  template <class Answer>
  void answer_due(time_point now, Answer&& answer) {
    while (!marks_.empty() && marks_.front().first <= now) {
      answer(marks_.front().second);
      marks_.pop_front();
    }
  }
  // When the next pending mark is due; nothing when none is pending.
  std::optional<time_point> next_due() const;
  std::size_t pending_marks() const { return marks_.size(); }

  // When everything received so far will have played.
  time_point played_until() const { return play_end_; }
  std::chrono::milliseconds queued(time_point now) const;  // received and not yet played
  std::chrono::milliseconds played(time_point now) const;  // what the caller has heard so far

 private:
  std::chrono::microseconds length_of(std::size_t bytes) const {
    return std::chrono::microseconds(bytes * 1000 / bytes_per_ms_);
  }

  std::size_t bytes_per_ms_;
  time_point play_end_{};
  std::chrono::microseconds received_{0};
  std::chrono::microseconds cleared_{0};  // audio a clear dropped before it played
  std::deque<std::pair<time_point, std::string>> marks_;
};

}  // namespace voxgate::sim
