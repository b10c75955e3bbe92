#include "tools/load/poller.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace voxgate::tools {

namespace {
constexpr int max_events = 1024;
}

std::optional<tcp_endpoint> resolve_tcp(const std::string& host, std::uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0 || !found) {
    error = rc != 0 ? gai_strerror(rc) : "no address";
    return std::nullopt;
  }
  tcp_endpoint e;
  std::memcpy(&e.address, found->ai_addr, found->ai_addrlen);
  e.length = found->ai_addrlen;
  freeaddrinfo(found);
  return e;
}

int start_connect(const tcp_endpoint& to, std::string& error) {
  int fd = socket(to.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.address), to.length) != 0 && errno != EINPROGRESS) {
    error = std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

std::string connect_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return err == 0 ? std::string() : std::string(std::strerror(err));
}

std::string try_connect(const tcp_endpoint& to, std::chrono::milliseconds timeout) {
  std::string why;
  int fd = start_connect(to, why);
  if (fd < 0) return why;
  pollfd p{fd, POLLOUT, 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  why = n > 0    ? connect_error(fd)
        : n == 0 ? "no answer within " + std::to_string(timeout.count()) + " ms"
                 : std::strerror(errno);
  close(fd);
  return why;
}

poller::poller() : fd_(epoll_create1(EPOLL_CLOEXEC)), raw_(max_events) { ready_.reserve(max_events); }

poller::~poller() {
  if (fd_ >= 0) close(fd_);
}

void poller::watch(int fd, std::uint64_t tag, bool writable) {
  epoll_event e{};
  e.events = EPOLLIN | (writable ? EPOLLOUT : 0u);
  e.data.u64 = tag;
  epoll_ctl(fd_, EPOLL_CTL_ADD, fd, &e);
}

void poller::change(int fd, std::uint64_t tag, bool writable) {
  epoll_event e{};
  e.events = EPOLLIN | (writable ? EPOLLOUT : 0u);
  e.data.u64 = tag;
  epoll_ctl(fd_, EPOLL_CTL_MOD, fd, &e);
}

std::span<const poller::event> poller::wait(std::chrono::microseconds timeout) {
  ready_.clear();
  epoll_event* raw = raw_.data();
  auto us = std::max<std::int64_t>(0, timeout.count());
  timespec ts{static_cast<time_t>(us / 1'000'000), static_cast<long>(us % 1'000'000 * 1000)};
  int n = epoll_pwait2(fd_, raw, max_events, &ts, nullptr);  // a microsecond deadline, not epoll_wait's ms
  if (n < 0 && errno == ENOSYS) n = epoll_wait(fd_, raw, max_events, static_cast<int>((us + 999) / 1000));
  for (int i = 0; i < n; ++i) {
    bool failed = raw[i].events & (EPOLLERR | EPOLLHUP);
    ready_.push_back({raw[i].data.u64, (raw[i].events & EPOLLIN) != 0 || failed, (raw[i].events & EPOLLOUT) != 0});
  }
  return ready_;
}

}  // namespace voxgate::tools
