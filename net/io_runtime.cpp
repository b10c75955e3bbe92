#include "net/io_runtime.hpp"

#include <boost/asio/post.hpp>

#include "net/io_runtime_impl.hpp"

namespace voxgate::net {
namespace {

// Which runtime's worker this thread is (tests run several runtimes in one process).
thread_local const io_runtime::impl* this_runtime = nullptr;
thread_local int this_worker = -1;

}  // namespace

io_runtime::impl::impl(int n) {
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<io_worker>());
}

int io_runtime::impl::current() const { return this_runtime == this ? this_worker : -1; }

int io_runtime::impl::pick() {
  if (int w = current(); w >= 0) return w;
  return static_cast<int>(next.fetch_add(1, std::memory_order_relaxed) % workers.size());
}

io_runtime::io_runtime(int workers) : impl_(std::make_unique<impl>(workers < 1 ? 1 : workers)) {}

io_runtime::~io_runtime() { stop(); }

void io_runtime::start() {
  if (impl_->started) return;
  impl_->started = true;
  for (std::size_t i = 0; i < impl_->workers.size(); ++i) {
    auto& w = *impl_->workers[i];
    w.guard.emplace(w.ioc.get_executor());
    w.thread = std::thread([this, &w, i] {
      this_runtime = impl_.get();
      this_worker = static_cast<int>(i);
      w.ioc.run();
      this_runtime = nullptr;
      this_worker = -1;
    });
  }
}

void io_runtime::stop() {
  for (auto& w : impl_->workers) {
    w->guard.reset();
    w->ioc.stop();
  }
  for (auto& w : impl_->workers)
    if (w->thread.joinable()) w->thread.join();
}

int io_runtime::workers() const { return static_cast<int>(impl_->workers.size()); }

int io_runtime::current() const { return impl_->current(); }

int io_runtime::pick() { return impl_->pick(); }

void io_runtime::post(int w, task fn, void* context, void* arg) {
  boost::asio::post(impl_->at(w), [fn, context, arg] { fn(context, arg); });
}

}  // namespace voxgate::net
