// Which worker takes a new call, or none (the caller then hears the provider's polite refusal).
// Pure: the supervisor fills in what each worker looks like and asks.
//
// A worker whose loop lags past the bound is already behind: it takes no call. Nor does one whose
// loop would be busier than the busy bound with one more call, so that the calls it has keep their
// audio before any lag shows. A call costs its worker only once its media flows, which is a second or
// more after its webhook on a real carrier: the calls still waiting for their media socket count at
// the cost of the calls streaming there, so a burst of webhooks cannot all be placed on what the
// loop looked like before their audio came.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace voxgate::actors {

struct worker_view {
  std::size_t calls = 0;    // live calls placed on the worker
  std::size_t waiting = 0;  // of those, the ones whose media socket has not come yet
  double busy = 0;          // its loop's busy share, 0 to 1, the last second's highest (net::io_runtime::loop_busy)
  std::chrono::microseconds lag{0};
};

struct admission_limits {
  std::chrono::milliseconds lag{0};  // 0: no lag bound
  double busy = 0;                   // 0: no busy bound
};

// The busy share the worker would reach once its waiting calls and one more stream, each at the
// average cost of its streaming calls (none streaming: no cost known, the share as it is).
double projected_busy(const worker_view& w);

// The worker with the fewest calls among those within the limits (the first of equals); -1 if none.
int choose_worker(const std::vector<worker_view>& workers, const admission_limits& limits);

// For the refusal's log line, what keeps each worker from taking the call, worker by worker:
// "worker 0: loop 34.4 ms behind, bound 20 ms; worker 1: 75.8 % busy with this call (60.0 % at
// most in the last second, 80 streaming, 20 waiting for media), bound 70 %". What the share was
// projected from is there, so the line tells a loop that was busy from one that a burst of waiting
// calls would have made so.
std::string why_no_worker(const std::vector<worker_view>& workers, const admission_limits& limits);

}  // namespace voxgate::actors
