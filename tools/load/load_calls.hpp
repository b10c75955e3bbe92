// `voxgate load`: thousands of simulated calls of one provider from one thread, each placed as its
// provider places it through that provider's caller (tools/sim/caller.hpp: the webhook, the answer,
// the media upgrade), then connected and start, 20 ms media frames in real time, what comes back
// played by a simulated handset (marks answered once the audio before them has played, as the
// provider does), and stop. The gateway is expected to echo the audio back (an echo AI behind it), so
// every byte that returns is timed against when it was sent. The engine is load_engine.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/process_usage.hpp"
#include "tools/load/load_stats.hpp"

namespace voxgate::tools {

struct load_options {
  std::string gateway_url;  // http://host:port, the gateway itself (plain HTTP; TLS ends at the proxy)
  std::string public_url;   // what the gateway signs with; defaults to gateway_url
  // Where media sockets go instead of gateway_url: another instance of a cluster, so that every call's
  // media is carried to the instance that took its webhook (the relay hop, timed). Empty: gateway_url.
  std::string media_url;
  std::string provider = "twilio";  // any with a caller (tools/sim/callers.cpp)
  std::string credential;           // what the provider signs with (sim::caller_settings); "" signs nothing
  std::uint16_t api_port = 8091;    // where the gateway's answers arrive for a provider that answers so (Telnyx)
  std::uint16_t media_port = 0;     // the gateway's raw TCP media port (AudioSocket), on media_url's host; 0: none
  int calls = 10;
  double duration_s = 10;   // caller audio per call
  double ramp_per_s = 100;  // calls placed per second
  int pid = 0;              // the gateway's PID, to sample its CPU and memory (0: don't)
  double drain_s = 2;       // after the last frame, how long to wait for its echo before stop
  double setup_s = 15;      // from the webhook to the media socket's 101, at most
};

struct load_progress {
  double elapsed_s = 0;
  int placed = 0, connected = 0, failed = 0, active = 0, finished = 0;
  std::uint64_t frames_sent = 0, frames_back = 0;
  std::uint64_t p99_us = 0;  // over everything so far
};

struct load_report {
  int calls = 0, placed = 0, connected = 0, failed = 0, completed = 0, peak_active = 0;
  std::map<std::string, int> failures;  // reason -> calls
  latency_histogram latency;            // every echoed frame
  latency_histogram steady_latency;     // frames sent while every call was up
  latency_histogram tick_lag;           // how late the load tool's own timer fired
  std::vector<latency_histogram> by_second;  // every echoed frame, by the second of the run it came back in
  std::uint64_t frames_sent = 0, frames_back = 0, frames_lost = 0, frames_late = 0;
  std::uint64_t bytes_differing = 0, bytes_beyond_sent = 0;
  std::uint64_t marks_answered = 0, clears = 0;
  double wall_s = 0, steady_s = 0;
  net::process_usage own_steady;  // the load tool's own CPU during the steady window
  // With --pid: the gateway before any call, and over the steady window.
  std::optional<net::process_usage> gateway_baseline, gateway_steady_start, gateway_steady_end;
  std::uint64_t fd_limit = 0;
  std::string error;  // set when the run could not start at all
};

load_report run_load(const load_options& options, const std::function<void(const load_progress&)>& progress);

}  // namespace voxgate::tools
