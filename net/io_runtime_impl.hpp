// Private to net/*.cpp: the Asio types behind io_runtime.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <thread>
#include <vector>

#include "net/io_runtime.hpp"
#include "net/recent_peak.hpp"

namespace voxgate::net {

// The tasks a worker runs at a time (io_runtime::run_here_at), earliest first, behind one timer.
class worker_timers {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  explicit worker_timers(boost::asio::io_context& ioc) : timer_(ioc) {}
  void add(time_point when, io_runtime::task fn, void* context, void* arg);
  void run_until(time_point until);  // each task due by then, earliest first

 private:
  struct entry {
    time_point when;
    std::uint64_t seq;  // equal times keep their order
    io_runtime::task fn;
    void* context;
    void* arg;
    bool operator>(const entry& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };
  void arm();
  void fire();

  boost::asio::steady_timer timer_;
  std::priority_queue<entry, std::vector<entry>, std::greater<>> due_;
  std::optional<time_point> armed_;  // the expiry of the wait in flight
  std::uint64_t seq_ = 0;
};

// An io_context whose services can be shut down (every abandoned handler destroyed) before it is
// destroyed: the runtime shuts down every worker's context first, so that a handler abandoned on one
// worker that owns an I/O object of another (a session holding its server's timer) frees it while
// that other context still exists.
class worker_context : public boost::asio::io_context {
 public:
  using io_context::io_context;
  using execution_context::shutdown;
};

struct io_worker {
  worker_context ioc{1};  // one thread runs it
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
  worker_timers timers{ioc};
  boost::asio::steady_timer probe{ioc};  // the loop-lag probe
  std::atomic<std::int64_t> lag_us{0};    // loop_lag()
  std::int64_t previous_lag_us = 0;        // what the last probe found; the worker's thread only
  double smoothed_busy = 0;                // the worker's thread only, as is the peak below
  recent_peak<10> busy_peak;               // of the smoothed share, over the last ten probes (a second)
  std::atomic<double> busy{0};            // that peak: what loop_busy() and admission read
  bool measured = false;                  // the worker's thread only, as are the two below
  std::chrono::nanoseconds last_idle{0};  // the loop's idle time at the last probe
  std::chrono::steady_clock::time_point last_wall;
};

struct io_runtime::impl {
  explicit impl(int n);
  ~impl();
  std::vector<std::unique_ptr<io_worker>> workers;
  std::atomic<unsigned> next{0};
  bool started = false;
  std::atomic<bool> stopped{false};  // the loops are gone: a task posted now runs on the poster
  std::function<void(int, std::chrono::microseconds, double)> probe_observer;

  void probe(int w);
  static double measure_busy(io_worker& worker);

  int current() const;
  int pick();
  boost::asio::io_context& at(int w) { return workers[static_cast<std::size_t>(w)]->ioc; }
  // The io_context new sockets and operations go to: the calling worker's, else the next in turn.
  boost::asio::io_context& here() { return at(pick()); }
};

}  // namespace voxgate::net
