#include "tests/fakes/redis_server.hpp"

#include <signal.h>

#include "tests/fakes/shell.hpp"

namespace voxgate::fakes {

redis_server::redis_server(std::vector<std::string> extra) : extra_(std::move(extra)), port_(free_port()) {}

redis_server::~redis_server() { stop(); }

std::string redis_server::start() {
  if (process_.running()) return {};
  std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                                   "--loglevel", "warning", "--logfile", ""};
  args.insert(args.end(), extra_.begin(), extra_.end());
  // Its banner and log lines would be mixed into the test's output: they go nowhere.
  if (auto err = process_.start(std::move(args)); !err.empty()) return err;
  if (wait_accepting(port_, std::chrono::seconds(5), &process_)) return {};
  if (!process_.running()) return "redis-server exited at start (is redis-server installed? scripts/bootstrap.sh --test)";
  stop();
  return "redis-server did not accept connections within 5 s";
}

void redis_server::stop() {
  if (!process_.running()) return;
  process_.signal(SIGTERM);
  process_.wait();
}

}  // namespace voxgate::fakes
