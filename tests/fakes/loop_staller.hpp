// Holds a worker's loop: each run sleeps 300 ms and posts the next behind whatever the loop queued
// meanwhile (its probe among them), `left` runs in a row. One run is a single stall; several in a
// row, a loop that stays behind.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "net/io_runtime.hpp"

namespace voxgate::fakes {

struct loop_staller {
  net::io_runtime* io;
  std::atomic<int> left;

  // Post on the worker to hold: io->post(w, &loop_staller::run, &staller, nullptr).
  static void run(void* context, void*) {
    auto* s = static_cast<loop_staller*>(context);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (s->left.fetch_sub(1) > 1) s->io->post(s->io->current(), &run, s, nullptr);
  }
};

}  // namespace voxgate::fakes
