// Holds a worker's loop: each run sleeps `each` and posts the next behind whatever the loop queued
// meanwhile (its probe among them), `runs` in a row. One run is a single stall, during which what a
// peer sends waits in the socket and is read together; several in a row, a loop that stays behind.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "net/io_runtime.hpp"

namespace voxgate::fakes {

class loop_staller {
 public:
  loop_staller(net::io_runtime& io, int runs, std::chrono::milliseconds each = std::chrono::milliseconds(300))
      : io_(io), left_(runs), each_(each) {}
  loop_staller(const loop_staller&) = delete;
  loop_staller& operator=(const loop_staller&) = delete;
  ~loop_staller() {  // the last run still uses this
    while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  // Starts on worker `w`; returns once the first run has begun.
  void start(int w) {
    io_.post(w, &run, this, nullptr);
    while (!started_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  bool done() const { return left_.load() == 0; }

 private:
  static void run(void* context, void*) {
    auto* self = static_cast<loop_staller*>(context);
    self->started_.store(true);
    std::this_thread::sleep_for(self->each_);
    if (self->left_.load() > 1) self->io_.post(self->io_.current(), &run, self, nullptr);
    self->left_.fetch_sub(1);  // last: the destructor may return once it reads 0
  }

  net::io_runtime& io_;
  std::atomic<int> left_;
  std::chrono::milliseconds each_;
  std::atomic<bool> started_{false};
};

}  // namespace voxgate::fakes
