// `voxgate call`: one simulated phone call against a gateway, placed as the provider would place it.
// Waits for the gateway's greeting, then sends a WAV (or a generated test signal) as 20 ms frames in
// real time; plays what comes back on a simulated clock (marks answered when their audio has played,
// `clear` drops what had not), records it, and reports a timeline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/args.hpp"

namespace voxgate::tools {

struct call_options {
  std::string gateway_url;          // http://localhost:8080
  std::string provider = "twilio";  // any with a caller (tools/sim/callers.cpp)
  std::string public_url;           // what the gateway believes it is (for signatures); default: gateway_url
  std::string credential;           // what the provider signs with (sim::caller_settings); "" signs nothing
  std::string play_wav;             // caller audio; empty: a generated test signal
  std::string record_wav;           // what the caller heard, 8 kHz
  double seconds = 8;               // of caller audio, after the greeting
  bool wait_greeting = true;        // hold the caller's audio until the gateway's greeting has played
  std::uint16_t api_port = 8091;    // where answers arrive for a provider that answers so (Telnyx)
  std::uint16_t media_port = 0;     // the gateway's raw TCP media port (AudioSocket); 0: none
};

struct call_event {
  double at_s = 0;
  std::string what;
};

struct call_result {
  bool ok = false;
  std::string error;
  std::vector<call_event> timeline;
  std::vector<std::int16_t> heard;  // 8 kHz PCM, placed at the time it would have played
  std::size_t frames_sent = 0;
  std::size_t frames_received = 0;
  std::size_t clears = 0;
  std::size_t marks_answered = 0;
};

call_result run_simulated_call(const call_options& options);

// What `voxgate call` accepts, declared once for parsing and --help.
const args::command& call_arguments();
int call_command(int argc, char** argv);

}  // namespace voxgate::tools
