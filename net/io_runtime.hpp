// The workers: N threads, each running its own io_context. A connection and everything it talks to
// (the call's actors, its other socket) live on one worker, so the media path crosses no thread.
// Hidden behind a small type so that headers included by actors and the app never pull in Asio.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace voxgate::net {

class io_runtime {
 public:
  explicit io_runtime(int workers);
  ~io_runtime();  // stops and joins
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  void start();
  void stop();  // idempotent; pending handlers are abandoned
  int workers() const;

  // The index of this runtime's worker that runs the calling thread, or -1 off its workers.
  int current() const;
  // Where new work goes: the calling worker, else the next worker in turn.
  int pick();

  // Runs fn(context, arg) on worker `w`'s thread after what is queued there; from any thread. Two
  // plain pointers, so that a hop between actors allocates nothing. Once stop() has returned it runs
  // fn at once on the calling thread, so that what fn holds is still released.
  using task = void (*)(void* context, void* arg);
  void post(int w, task fn, void* context, void* arg);
  // Runs fn(context, arg) on the calling worker once `when` has come: one timer per worker, not one
  // per request, and no other thread involved. Each task runs exactly once: at its time, or early when
  // the runtime stops (so that it can release what it holds). Returns false, and runs nothing, when
  // the caller is not one of this runtime's workers.
  bool run_here_at(std::chrono::steady_clock::time_point when, task fn, void* context, void* arg);

  // Each worker's probe timer is due every `loop_probe_interval`.
  // - Loop lag: how late the probe runs is how long that worker's queue is. `loop_lag(w)` is the worst
  //   recent lag that two probes in a row found (it halves with each probe that finds less): a loop
  //   that is behind makes every probe late, one stall (a long handler, the machine paused) only one.
  // - Busy share: the part of each interval the loop did not spend waiting for its sockets, 0 to 1
  //   (net/loop_idle.hpp): its handlers, the kernel's network work for its sends, and the time the
  //   thread is kept from running while it has work (a spent CPU quota, a busy host). `loop_busy(w)`
  //   is the highest share of the last ten probes (a second, longer when they run late), each
  //   smoothed over about half a second: a share that wavers around a bound stays above it. A loop
  //   that lags is already behind; one near 1 soon will be.
  // The observer, set before start(), gets every probe on the worker's own thread.
  static constexpr std::chrono::milliseconds loop_probe_interval{100};
  std::chrono::microseconds loop_lag(int w) const;
  double loop_busy(int w) const;
  void on_loop_probe(std::function<void(int w, std::chrono::microseconds lag, double busy)> observer);

  struct impl;
  impl& internals() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::net
