// Private to net/*.cpp: a stream layer under Beast's WebSocket that lets one send carry several
// messages. While held, what Beast writes is kept (copied once) and its write completes at once; the
// first write after release sends what was kept and its own bytes together, in one system call.
// ws_connection holds it while more frames wait behind the one it writes, so a Twilio `media` and
// its `mark` leave in one send. Beast writes one frame at a time, so frames never interleave: its own
// control frames (a pong, the close) written meanwhile are kept in order with ours.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace voxgate::net {

namespace beast = boost::beast;

template <class Next>
class gather_stream {
 public:
  using next_layer_type = Next;
  using executor_type = typename Next::executor_type;

  template <class... Args>
  explicit gather_stream(Args&&... args) : next_(std::forward<Args>(args)...) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  Next& next_layer() noexcept { return next_; }
  const Next& next_layer() const noexcept { return next_; }

  // Writes from now on are kept until release(); the next write after that sends them.
  void hold() { held_ = true; }
  void release() { held_ = false; }
  // Bytes kept for the next send.
  std::size_t kept_bytes() const { return kept_.size(); }
  // Hands over the kept bytes (the teardown sends them before it shuts the socket).
  std::string take_kept() {
    std::string kept;
    kept.swap(kept_);
    held_ = false;
    return kept;
  }

  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    return next_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& buffers, Handler&& handler) {
    if (held_) {
      std::size_t n = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        kept_.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      return boost::asio::async_compose<Handler, void(beast::error_code, std::size_t)>(
          kept_op{n}, handler, next_);
    }
    return boost::asio::async_compose<Handler, void(beast::error_code, std::size_t)>(send_op<Buffers>{this, buffers},
                                                                                     handler, next_);
  }

 private:
  // Completes a kept write from the executor (never inside the call that started it).
  struct kept_op {
    std::size_t n;
    bool posted = false;
    template <class Self>
    void operator()(Self& self) {
      if (!posted) {
        posted = true;
        boost::asio::post(boost::asio::get_associated_executor(self), std::move(self));
        return;
      }
      self.complete({}, n);
    }
  };

  // Sends the kept bytes, then the caller's, as one gathered write; reports only the caller's bytes.
  // A short write that ends inside the kept bytes sends again, so the caller never sees zero bytes.
  template <class Buffers>
  struct send_op {
    gather_stream* s;
    Buffers buffers;
    bool started = false;
    template <class Self>
    void operator()(Self& self, beast::error_code ec = {}, std::size_t n = 0) {
      if (started) {
        std::size_t kept = s->kept_.size(), from_kept = std::min(n, kept);
        s->kept_.erase(0, from_kept);
        if (ec || n > kept || kept == 0) {
          self.complete(ec, n - from_kept);
          return;
        }
      }
      started = true;
      if (s->kept_.empty())
        s->next_.async_write_some(buffers, std::move(self));
      else
        s->next_.async_write_some(beast::buffers_cat(boost::asio::buffer(s->kept_), buffers), std::move(self));
    }
  };

  Next next_;
  std::string kept_;
  bool held_ = false;
};

// Beast's WebSocket closes the layer below through these. What was kept (frames, and Beast's own
// close frame, held behind frames since dropped or behind the peer's close) goes out first.
template <class Next>
void teardown(beast::role_type role, gather_stream<Next>& s, beast::error_code& ec) {
  if (auto kept = s.take_kept(); !kept.empty()) boost::asio::write(s.next_layer(), boost::asio::buffer(kept), ec);
  using beast::websocket::teardown;
  teardown(role, s.next_layer(), ec);
}

template <class Next, class Handler>
void async_teardown(beast::role_type role, gather_stream<Next>& s, Handler&& handler) {
  using beast::websocket::async_teardown;
  if (s.kept_bytes() == 0) return async_teardown(role, s.next_layer(), std::forward<Handler>(handler));
  auto kept = std::make_shared<std::string>(s.take_kept());
  boost::asio::async_write(s.next_layer(), boost::asio::buffer(*kept),
                           [role, &s, kept, handler = std::forward<Handler>(handler)](beast::error_code,
                                                                                      std::size_t) mutable {
                             using beast::websocket::async_teardown;
                             async_teardown(role, s.next_layer(), std::move(handler));
                           });
}

}  // namespace voxgate::net
