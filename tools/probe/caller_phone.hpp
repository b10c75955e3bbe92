// The simulated caller's phone in `voxgate call`: what the caller says (a generated test signal, or a
// WAV at any rate), and what the caller hears: the gateway's audio played by the simulator's
// handset (tools/sim/playback.hpp), recorded at the time it played.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tools/sim/playback.hpp"

namespace voxgate::tools {

std::size_t samples_in(double seconds);  // at 8 kHz

// Quiet, then a second of a voiced tone, then quiet: the local agent hears the caller, and after the
// pause plays them back (started without waiting for the greeting, the tone also talks over it: barge-in).
std::vector<std::int16_t> test_signal(double seconds);
// A WAV file's audio at 8 kHz; nothing, with `why`, when it cannot be read.
std::optional<std::vector<std::int16_t>> load_wav_8k(const std::string& path, std::string& why);

// Plays what arrives in order, answers marks when their audio has played, records what was heard.
class caller_phone {
 public:
  using clock = std::chrono::steady_clock;

  explicit caller_phone(clock::time_point start) : start_(start) {}

  void on_media(std::span<const std::uint8_t> mulaw, clock::time_point now);
  void on_mark(std::string name, clock::time_point now) { playback_.on_mark(std::move(name), now); }
  // Everything not yet played is dropped; every pending mark comes back at once.
  std::vector<std::string> on_clear(clock::time_point now);
  std::vector<std::string> due_marks(clock::time_point now) { return playback_.due(now); }
  // When everything received so far will have played.
  clock::time_point played_until() const { return playback_.played_until(); }
  std::vector<std::int16_t>& heard() { return heard_; }

 private:
  std::size_t sample_at(clock::time_point t) const;

  clock::time_point start_;
  sim::playback playback_;
  std::vector<std::int16_t> heard_;  // 8 kHz, placed at the time it played
};

}  // namespace voxgate::tools
