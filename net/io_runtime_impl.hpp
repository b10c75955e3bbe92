// Private to net/*.cpp: the Asio types behind io_runtime.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "net/io_runtime.hpp"

namespace voxgate::net {

struct io_runtime::impl {
  explicit impl(int n) : ioc(n), thread_count(n) {}
  boost::asio::io_context ioc;
  int thread_count;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
};

}  // namespace voxgate::net
