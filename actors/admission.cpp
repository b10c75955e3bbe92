#include "actors/admission.hpp"

namespace voxgate::actors {

double projected_busy(const worker_view& w) {
  std::size_t streaming = w.calls > w.waiting ? w.calls - w.waiting : 0;
  if (streaming == 0) return w.busy;
  double per_call = w.busy / static_cast<double>(streaming);
  return w.busy + per_call * static_cast<double>(w.waiting + 1);
}

int choose_worker(const std::vector<worker_view>& workers, const admission_limits& limits) {
  int best = -1;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const auto& w = workers[i];
    if (limits.lag.count() > 0 && w.lag > limits.lag) continue;
    if (limits.busy > 0 && projected_busy(w) > limits.busy) continue;
    if (best < 0 || w.calls < workers[static_cast<std::size_t>(best)].calls) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace voxgate::actors
