#include "net/loop_idle.hpp"

#include <sys/epoll.h>
#include <time.h>

#include <cerrno>
#include <cstdint>

// Asio 1.74's reactor offers no hook around its wait, and the thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID) leaves out what the kernel may account apart from the thread (the softirq
// that carries its sends) and the time the thread is kept from running while it has work (a spent
// CPU quota, a busy host). So the loop's idle time is measured where it is
// spent: this executable defines epoll_wait, which the reactor's call binds to at link time, and
// times each wait that may block. The wait itself is glibc's epoll_pwait with no signal mask, which
// the man page defines as the same call.
namespace {

thread_local std::int64_t idle_ns = 0;

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

extern "C" int epoll_wait(int epfd, epoll_event* events, int max_events, int timeout_ms) {
  if (timeout_ms == 0) return epoll_pwait(epfd, events, max_events, 0, nullptr);  // a poll: no wait
  std::int64_t start = monotonic_ns();
  int n = epoll_pwait(epfd, events, max_events, timeout_ms, nullptr);
  int saved_errno = errno;  // the caller reads the wait's, whatever the clock does
  idle_ns += monotonic_ns() - start;
  errno = saved_errno;
  return n;
}

namespace voxgate::net {

std::chrono::nanoseconds loop_idle_time() { return std::chrono::nanoseconds(idle_ns); }

}  // namespace voxgate::net
