// What the supervisor and /calls know about one live call. Written by its call actor, read by the
// supervisor: counters are atomics; `outcome` is written once, before the call actor quits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "actors/messages.hpp"

namespace voxgate::actors {

enum class call_phase : std::uint8_t { ringing, streaming, ending };
std::string_view to_string(call_phase p);

struct call_record {
  incoming_call call;
  std::string token;  // the signed media token minted at admission (Telnyx puts it in the stream URL)
  int worker = 0;     // the engine's worker the call's actors live on; set before its actor starts
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  std::atomic<call_phase> phase{call_phase::ringing};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> frames_dropped{0};
  std::atomic<std::uint32_t> barge_ins{0};
  std::string outcome;
};

}  // namespace voxgate::actors
