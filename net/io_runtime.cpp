#include "net/io_runtime.hpp"

#include "net/io_runtime_impl.hpp"

namespace voxgate::net {

io_runtime::io_runtime(int threads) : impl_(std::make_unique<impl>(threads < 1 ? 1 : threads)) {}

io_runtime::~io_runtime() { stop(); }

void io_runtime::start() {
  if (!impl_->threads.empty()) return;
  impl_->guard.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < impl_->thread_count; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void io_runtime::stop() {
  impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

int io_runtime::threads() const { return impl_->thread_count; }

}  // namespace voxgate::net
