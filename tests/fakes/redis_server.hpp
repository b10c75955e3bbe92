// A real redis-server from Debian, for the cluster's tests: started on a free port of 127.0.0.1 with
// no persistence, stopped (and restartable on the same port) by the test.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/fakes/child_process.hpp"

namespace voxgate::fakes {

class redis_server {
 public:
  // `extra`: more redis-server options, e.g. {"--requirepass", "secret"}.
  explicit redis_server(std::vector<std::string> extra = {});
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  // Starts it and waits until it accepts connections; an error text (redis-server missing, no
  // start within 5 s) or empty.
  std::string start();
  void stop();  // SIGTERM and wait; idempotent
  void signal(int sig) { process_.signal(sig); }  // SIGSTOP: a Redis that stalls; SIGCONT: it goes on
  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::vector<std::string> extra_;
  std::uint16_t port_ = 0;
  child_process process_;
};

}  // namespace voxgate::fakes
