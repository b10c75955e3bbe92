// Plain non-blocking TCP for the load tool, with the fewest system calls per message: one
// level-triggered epoll set, so a ready socket costs one recv() and an idle one nothing, and a
// send() goes straight to the socket. (Boost 1.74's asio follows every read with a speculative recv()
// that fails, and re-arms a timerfd per timer wait; leaving it cut the load tool's CPU by about a
// fifth, docs/BENCHMARKS.md.)
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace voxgate::tools {

struct tcp_endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

// The first address `host` resolves to, or an error naming why not.
std::optional<tcp_endpoint> resolve_tcp(const std::string& host, std::uint16_t port, std::string& error);

// A non-blocking socket with a connect under way (done when it turns writable; see connect_error),
// TCP_NODELAY set. -1 and `error` on failure.
int start_connect(const tcp_endpoint& to, std::string& error);

// After a started connect turns writable: "" if it connected, else why not.
std::string connect_error(int fd);

// One blocking connect, closed at once: "" if something accepts connections at `to` within
// `timeout`, else why not ("Connection refused").
std::string try_connect(const tcp_endpoint& to, std::chrono::milliseconds timeout);

class poller {
 public:
  struct event {
    std::uint64_t tag;
    bool readable;  // data, end of stream or an error: a recv() will tell which
    bool writable;
  };

  poller();
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Watches `fd` for reading, and for writing while `writable`; `tag` comes back with its events.
  void watch(int fd, std::uint64_t tag, bool writable);
  void change(int fd, std::uint64_t tag, bool writable);
  // What is ready, waiting at most `timeout` (0: don't wait). Valid until the next call.
  std::span<const event> wait(std::chrono::microseconds timeout);

 private:
  int fd_;
  std::vector<epoll_event> raw_;
  std::vector<event> ready_;
};

}  // namespace voxgate::tools
