// How long the calling thread has waited in the kernel for its sockets: the idle time of the loop it
// runs. The rest of the wall time is the loop's work, the kernel's network work for it included.
#pragma once

#include <chrono>

namespace voxgate::net {

// This thread's time blocked in epoll_wait since it started (zero on a thread that never waited).
// Cheap: a thread-local read.
std::chrono::nanoseconds loop_idle_time();

}  // namespace voxgate::net
