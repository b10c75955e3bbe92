// The I/O threads: one io_context run by N threads, hidden behind a small type so that headers
// included by actors and the app never pull in Boost.Asio.
#pragma once

#include <memory>

namespace voxgate::net {

class io_runtime {
 public:
  explicit io_runtime(int threads);
  ~io_runtime();  // stops and joins
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  void start();
  void stop();  // idempotent; pending handlers are abandoned
  int threads() const;

  struct impl;
  impl& internals() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::net
