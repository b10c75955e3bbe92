// Private to net/*.cpp: the Asio types behind io_runtime.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "net/io_runtime.hpp"

namespace voxgate::net {

struct io_worker {
  boost::asio::io_context ioc{1};  // one thread runs it
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
};

struct io_runtime::impl {
  explicit impl(int n);
  std::vector<std::unique_ptr<io_worker>> workers;
  std::atomic<unsigned> next{0};
  bool started = false;

  int current() const;
  int pick();
  boost::asio::io_context& at(int w) { return workers[static_cast<std::size_t>(w)]->ioc; }
  // The io_context new sockets and operations go to: the calling worker's, else the next in turn.
  boost::asio::io_context& here() { return at(pick()); }
};

}  // namespace voxgate::net
