#include "net/loop_idle.hpp"

#include <sys/epoll.h>

#include <cerrno>

// Asio 1.74's reactor offers no hook around its wait, and the thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID) leaves out what the kernel may account apart from the thread (the softirq
// that carries its sends) and the time the thread is kept from running while it has work (a spent
// CPU quota, a busy host). So the loop's idle time is measured where it is
// spent: this executable defines epoll_wait, which the reactor's call binds to at link time, and
// times each wait that may block. The wait itself is glibc's epoll_pwait with no signal mask, which
// the man page defines as the same call.
namespace {

// The clock is the one io_runtime measures the probes' intervals with.
thread_local std::chrono::steady_clock::duration idle{0};

}  // namespace

extern "C" int epoll_wait(int epfd, epoll_event* events, int max_events, int timeout_ms) {
  if (timeout_ms == 0) return epoll_pwait(epfd, events, max_events, 0, nullptr);  // a poll: no wait
  auto start = std::chrono::steady_clock::now();
  int n = epoll_pwait(epfd, events, max_events, timeout_ms, nullptr);
  int saved_errno = errno;  // the caller reads the wait's, whatever the clock does
  idle += std::chrono::steady_clock::now() - start;
  errno = saved_errno;
  return n;
}

namespace voxgate::net {

std::chrono::nanoseconds loop_idle_time() { return idle; }

}  // namespace voxgate::net
