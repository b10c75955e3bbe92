// A program the tests run beside them (redis-server, haproxy, the voxgate binary): started with
// extra environment, its output in a file or nowhere, signalled and reaped by the test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace voxgate::fakes {

class child_process {
 public:
  child_process() = default;
  ~child_process();  // SIGKILL and reap whatever still runs
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Starts `argv` (argv[0] looked up in PATH, then /usr/sbin) with this process's environment plus
  // `env` ("NAME=value"); stdout and stderr go to `output` (a file path; empty: /dev/null). Returns
  // an error text or empty.
  std::string start(std::vector<std::string> argv, std::vector<std::string> env = {}, std::string output = {});
  bool running();
  void signal(int sig);
  // Waits for the exit; its status (-1: killed by a signal or not started), or -2 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// True once something accepts TCP connections on 127.0.0.1:port (polls up to `timeout`).
bool wait_accepting(std::uint16_t port, std::chrono::milliseconds timeout, child_process* owner = nullptr);

}  // namespace voxgate::fakes
