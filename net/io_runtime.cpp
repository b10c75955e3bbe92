#include "net/io_runtime.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cmath>
#include <utility>

#include "net/io_runtime_impl.hpp"
#include "net/loop_idle.hpp"

namespace voxgate::net {
namespace {

// Which runtime's worker this thread is (tests run several runtimes in one process).
thread_local const io_runtime::impl* this_runtime = nullptr;
thread_local int this_worker = -1;

}  // namespace

void worker_timers::add(time_point when, io_runtime::task fn, void* context, void* arg) {
  due_.push({when, seq_++, fn, context, arg});
  arm();
}

// One wait in flight, for the earliest task; an earlier task re-arms it (the old wait ends aborted).
void worker_timers::arm() {
  if (due_.empty() || (armed_ && *armed_ <= due_.top().when)) return;
  armed_ = due_.top().when;
  timer_.expires_at(*armed_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // re-armed earlier, or stopping
    fire();
  });
}

void worker_timers::fire() {
  armed_.reset();
  run_until(std::chrono::steady_clock::now());
  arm();
}

void worker_timers::run_until(time_point until) {
  while (!due_.empty() && due_.top().when <= until) {
    auto e = due_.top();
    due_.pop();  // before it runs: a task may add another
    e.fn(e.context, e.arg);
  }
}

io_runtime::impl::impl(int n) {
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<io_worker>());
}

io_runtime::impl::~impl() {
  for (auto& w : workers) w->ioc.shutdown();  // every context's abandoned handlers, while all exist
}

// On the worker's thread: the share of the time since the last probe that the loop did not spend
// waiting for its sockets, folded into the smoothed share (a time constant of 300 ms, whatever the
// probe's lateness). Returns, and keeps for admission, the highest smoothed share of the last second.
double io_runtime::impl::measure_busy(io_worker& worker) {
  auto idle = loop_idle_time();
  auto wall = std::chrono::steady_clock::now();
  if (worker.measured && wall > worker.last_wall) {
    double elapsed = std::chrono::duration<double>(wall - worker.last_wall).count();
    double sample = 1 - std::chrono::duration<double>(idle - worker.last_idle).count() / elapsed;
    double weight = 1 - std::exp(-elapsed / 0.3);
    worker.smoothed_busy += weight * (std::clamp(sample, 0.0, 1.0) - worker.smoothed_busy);
  }
  worker.measured = true;
  worker.last_idle = idle;
  worker.last_wall = wall;
  double busy = worker.busy_peak.add(worker.smoothed_busy);
  worker.busy.store(busy, std::memory_order_relaxed);
  return busy;
}

// On worker w: the probe was due at its expiry; the time past it is what the loop's queue cost.
void io_runtime::impl::probe(int w) {
  auto& worker = *workers[static_cast<std::size_t>(w)];
  worker.probe.expires_after(loop_probe_interval);
  worker.probe.async_wait([this, w, &worker](boost::system::error_code ec) {
    if (ec) return;
    auto late = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                      worker.probe.expiry());
    auto lag = std::max<std::int64_t>(late.count(), 0);
    // A lag counts once two probes in a row find it: a loop that is behind makes every probe wait,
    // while one stall (a long handler, the machine paused) makes only one late.
    auto kept = std::min(lag, std::exchange(worker.previous_lag_us, lag));
    worker.lag_us.store(std::max(kept, worker.lag_us.load(std::memory_order_relaxed) / 2), std::memory_order_relaxed);
    double busy = measure_busy(worker);
    if (probe_observer) probe_observer(w, std::chrono::microseconds(lag), busy);
    probe(w);
  });
}

int io_runtime::impl::current() const { return this_runtime == this ? this_worker : -1; }

int io_runtime::impl::pick() {
  if (int w = current(); w >= 0) return w;
  return static_cast<int>(next.fetch_add(1, std::memory_order_relaxed) % workers.size());
}

io_runtime::io_runtime(int workers) : impl_(std::make_unique<impl>(workers < 1 ? 1 : workers)) {}

io_runtime::~io_runtime() { stop(); }

void io_runtime::start() {
  if (impl_->started) return;
  impl_->started = true;
  for (std::size_t i = 0; i < impl_->workers.size(); ++i) {
    auto& w = *impl_->workers[i];
    w.guard.emplace(w.ioc.get_executor());
    impl_->probe(static_cast<int>(i));
    w.thread = std::thread([this, &w, i] {
      this_runtime = impl_.get();
      this_worker = static_cast<int>(i);
      w.ioc.run();
      this_runtime = nullptr;
      this_worker = -1;
    });
  }
}

void io_runtime::stop() {
  for (auto& w : impl_->workers) {
    w->guard.reset();
    w->ioc.stop();
  }
  for (auto& w : impl_->workers)
    if (w->thread.joinable()) w->thread.join();
  // The loops are gone, so no race with them: every task still waiting runs once, now, and what is
  // posted from here on (the actor system's last messages to its own actors) runs on the poster.
  impl_->stopped.store(true, std::memory_order_release);
  for (auto& w : impl_->workers) w->timers.run_until(worker_timers::time_point::max());
}

std::chrono::microseconds io_runtime::loop_lag(int w) const {
  return std::chrono::microseconds(impl_->workers[static_cast<std::size_t>(w)]->lag_us.load(std::memory_order_relaxed));
}

double io_runtime::loop_busy(int w) const {
  return impl_->workers[static_cast<std::size_t>(w)]->busy.load(std::memory_order_relaxed);
}

void io_runtime::on_loop_probe(std::function<void(int, std::chrono::microseconds, double)> observer) {
  impl_->probe_observer = std::move(observer);
}

int io_runtime::workers() const { return static_cast<int>(impl_->workers.size()); }

int io_runtime::current() const { return impl_->current(); }

int io_runtime::pick() { return impl_->pick(); }

bool io_runtime::run_here_at(std::chrono::steady_clock::time_point when, task fn, void* context, void* arg) {
  int w = current();
  if (w < 0) return false;
  impl_->workers[static_cast<std::size_t>(w)]->timers.add(when, fn, context, arg);
  return true;
}

void io_runtime::post(int w, task fn, void* context, void* arg) {
  if (impl_->stopped.load(std::memory_order_acquire)) return fn(context, arg);  // no loop would run it
  boost::asio::post(impl_->at(w), [fn, context, arg] { fn(context, arg); });
}

}  // namespace voxgate::net
