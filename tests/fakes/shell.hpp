// What tests need of the machine around them: a command's exit status and output, and a free port.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace voxgate::fakes {

struct command_result {
  int status = -1;  // the exit status; -1 when it did not exit normally
  std::string output;  // stdout (add 2>&1 to the command for stderr too)
};

// Runs `command` with /bin/sh and waits for it.
inline command_result run_command(const std::string& command) {
  command_result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.output.append(buf, n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct subcommand_result {
  int status = -1;
  std::string out, err;
};

// Runs a subcommand's entry point in this process as `voxgate <line...>` (line[0] is the subcommand's
// name); returns its exit status and what it printed on stdout and stderr.
inline subcommand_result run_subcommand(int (*entry)(int, char**), std::vector<std::string> line) {
  line.insert(line.begin(), "voxgate");
  std::vector<char*> argv;
  for (auto& a : line) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int status = entry(static_cast<int>(argv.size()), argv.data());
  auto out = ::testing::internal::GetCapturedStdout();
  return {status, out, ::testing::internal::GetCapturedStderr()};
}

// A port nothing listens on right now (ctest runs tests in parallel processes: no fixed ports).
inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Whether this host has IPv6 on loopback: [::1] can be bound.
inline bool ipv6_loopback_works() {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A port that takes connections (the kernel completes each handshake) and never answers or accepts
// them: a hung peer. Closing it resets what waits there.
class silent_listener {
 public:
  silent_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      ADD_FAILURE() << "silent_listener: cannot listen on 127.0.0.1";
    port_ = ntohs(a.sin_port);
  }
  ~silent_listener() { close(); }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;
  std::uint16_t port() const { return port_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace voxgate::fakes
