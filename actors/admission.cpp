#include "actors/admission.hpp"

#include <cmath>

namespace voxgate::actors {
namespace {

std::size_t streaming(const worker_view& w) { return w.calls > w.waiting ? w.calls - w.waiting : 0; }

bool lags(const worker_view& w, const admission_limits& limits) { return limits.lag.count() > 0 && w.lag > limits.lag; }

bool too_busy(const worker_view& w, const admission_limits& limits) {
  return limits.busy > 0 && projected_busy(w) > limits.busy;
}

// One decimal: a share just past its bound reads 70.2, not 70.
std::string tenths(double x) {
  auto t = std::llround(x * 10);
  return std::to_string(t / 10) + "." + std::to_string(t % 10);
}

}  // namespace

double projected_busy(const worker_view& w) {
  if (streaming(w) == 0) return w.busy;
  double per_call = w.busy / static_cast<double>(streaming(w));
  return w.busy + per_call * static_cast<double>(w.waiting + 1);
}

int choose_worker(const std::vector<worker_view>& workers, const admission_limits& limits) {
  int best = -1;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const auto& w = workers[i];
    if (lags(w, limits) || too_busy(w, limits)) continue;
    if (best < 0 || w.calls < workers[static_cast<std::size_t>(best)].calls) best = static_cast<int>(i);
  }
  return best;
}

std::string why_no_worker(const std::vector<worker_view>& workers, const admission_limits& limits) {
  std::string out;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const auto& w = workers[i];
    std::string why;
    if (lags(w, limits))
      why = "loop " + tenths(static_cast<double>(w.lag.count()) / 1000) + " ms behind, bound " +
            std::to_string(limits.lag.count()) + " ms";
    if (too_busy(w, limits))
      why += (why.empty() ? "" : ", ") + tenths(projected_busy(w) * 100) + " % busy with this call (" +
             tenths(w.busy * 100) + " % at most in the last second, " + std::to_string(streaming(w)) + " streaming, " +
             std::to_string(w.waiting) + " waiting for media), bound " + std::to_string(std::lround(limits.busy * 100)) +
             " %";
    if (why.empty()) why = "has room";
    out += (out.empty() ? "worker " : "; worker ") + std::to_string(i) + ": " + why;
  }
  return out;
}

}  // namespace voxgate::actors
