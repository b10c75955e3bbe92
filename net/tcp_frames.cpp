#include "net/tcp_frames.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "net/io_runtime_impl.hpp"
#include "net/outbound_queue.hpp"

namespace voxgate::net {

std::uint64_t next_connection_id();  // http_server.cpp: one numbering for every connection

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// One accepted connection. Every handler runs on its worker's single thread (its io_context has one),
// which is its strand; sends and closes from other threads are posted there.
class tcp_frame_channel final : public ws_channel, public std::enable_shared_from_this<tcp_frame_channel> {
 public:
  tcp_frame_channel(tcp::socket socket, std::string remote, const tcp_media_options& o)
      : socket_(std::move(socket)),
        remote_(std::move(remote)),
        options_(o),
        frames_(o.max_payload),
        out_(o.max_queue_bytes),
        id_(next_connection_id()),
        handshake_timer_(socket_.get_executor()),
        idle_timer_(socket_.get_executor()),
        close_timer_(socket_.get_executor()) {}

  void start(std::shared_ptr<ws_sink> sink) {
    sink_ = std::move(sink);
    handshake_timer_.expires_after(options_.first_frame_timeout);
    handshake_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && self->handshake_)
        self->cut("no first frame within " + std::to_string(self->options_.first_frame_timeout.count()) + " ms");
    });
    watch_idle();
    do_read();
  }

  void send_text(std::string text, bool droppable) override { send_binary(std::move(text), droppable); }
  void send_binary(std::string bytes, bool droppable) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), b = std::move(bytes), droppable]() mutable {
      self->queue(std::move(b), droppable);
    });
  }
  void close(std::string reason) override {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), r = std::move(reason)]() mutable { self->begin_close(std::move(r)); });
  }
  void resume() override {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->waiting_ = false;
      self->deliver();
    });
  }
  void attach(std::shared_ptr<ws_sink> sink) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), s = std::move(sink)]() mutable {
      self->sink_ = std::move(s);
      self->handshake_ = false;
      self->waiting_ = false;
      self->handshake_timer_.cancel();
      if (self->finished_) {
        self->sink_->on_closed(self->close_reason_);
        return;
      }
      self->deliver();
    });
  }
  ws_stats stats() const override {
    return {frames_in_.load(std::memory_order_relaxed), frames_out_.load(std::memory_order_relaxed),
            dropped_.load(std::memory_order_relaxed), 0, frames_out_.load(std::memory_order_relaxed)};
  }
  const std::string& remote() const override { return remote_; }
  std::uint64_t id() const override { return id_; }

 private:
  void do_read() {
    if (reading_ || finished_) return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(error_code ec, std::size_t n) {
    reading_ = false;
    heard_ = true;
    if (ec) {
      finish(ec == asio::error::eof || ec == asio::error::connection_reset ? "connection lost" : ec.message());
      return;
    }
    if (closing_) {  // our goodbye is out: what comes now is read only to see the peer's EOF
      do_read();
      return;
    }
    frames_.append({chunk_.data(), n});
    deliver();
  }

  // Hands over the frames complete so far: one in handshake mode (the next on resume), all after.
  void deliver() {
    if (finished_ || closing_ || !sink_) return;
    std::string frame;
    while (!paused() && frames_.next(frame)) {
      frames_in_.fetch_add(1, std::memory_order_relaxed);
      if (handshake_) waiting_ = true;
      sink_->on_binary(std::exchange(frame, {}));
    }
    if (!frames_.error().empty()) {
      spdlog::warn("{} conn={} remote={} cut: {}", options_.name, id_, remote_, frames_.error());
      cut(std::string(frames_.error()));
      return;
    }
    if (!paused()) do_read();
  }
  // In handshake mode, a frame is with the sink until it says resume (or attach).
  bool paused() const { return handshake_ && waiting_; }

  void watch_idle() {
    if (options_.idle_timeout.count() <= 0) return;
    idle_timer_.expires_after(options_.idle_timeout);
    idle_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->finished_) return;
      if (!self->heard_) {
        self->cut("nothing from the peer for " + std::to_string(self->options_.idle_timeout.count()) + " ms");
        return;
      }
      self->heard_ = false;
      self->watch_idle();
    });
  }

  void queue(std::string bytes, bool droppable) {
    if (closing_ || finished_) return;
    if (auto dropped = out_.push(std::move(bytes), droppable, writing_ ? 1 : 0, true))
      dropped_.fetch_add(dropped, std::memory_order_relaxed);
    if (out_.bytes() > 4 * options_.max_queue_bytes) {
      cut("peer not reading: " + std::to_string(out_.bytes()) + " bytes queued");
      return;
    }
    if (!writing_) do_write();
  }

  // One frame, whole, in one write: Asterisk reads a frame's payload with one short poll at most.
  void do_write() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    writing_ = false;
    if (ec) {
      out_.clear();
      finish(ec == asio::error::broken_pipe || ec == asio::error::connection_reset ? "connection lost" : ec.message());
      return;
    }
    if (finished_) return;
    frames_out_.fetch_add(1, std::memory_order_relaxed);
    out_.pop();
    if (!out_.empty())
      do_write();
    else if (closing_)
      shut_down();
  }

  // Queued frames leave, then the goodbye; then our side shuts and the peer has close_timeout to go.
  void begin_close(std::string reason) {
    if (closing_ || finished_) return;
    if (!options_.goodbye.empty()) out_.push(options_.goodbye, false, writing_ ? 1 : 0, true);
    closing_ = true;
    close_reason_ = std::move(reason);
    close_timer_.expires_after(options_.close_timeout + std::chrono::milliseconds(1500));
    close_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->cut(self->close_reason_);
    });
    if (!writing_) out_.empty() ? shut_down() : do_write();
  }

  void shut_down() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    close_timer_.expires_after(options_.close_timeout);
    close_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->cut(self->close_reason_);
    });
    do_read();  // ends with the peer's EOF, or the timer's cut
  }

  // Ends at once: the socket closes, pending operations end with an error.
  void cut(std::string reason) {
    if (finished_) return;
    if (close_reason_.empty() || !closing_) close_reason_ = std::move(reason);
    closing_ = true;
    finish(close_reason_);
  }

  void finish(std::string reason) {
    if (finished_) return;
    finished_ = true;
    handshake_timer_.cancel();
    idle_timer_.cancel();
    close_timer_.cancel();
    error_code ignored;
    socket_.close(ignored);
    if (!closing_ || close_reason_.empty()) close_reason_ = std::move(reason);
    if (sink_) sink_->on_closed(close_reason_);
  }

  tcp::socket socket_;
  std::string remote_;
  tcp_media_options options_;
  tlv_assembler frames_;
  std::array<char, 4096> chunk_{};
  outbound_queue out_;
  std::uint64_t id_;
  std::shared_ptr<ws_sink> sink_;
  asio::steady_timer handshake_timer_, idle_timer_, close_timer_;
  bool handshake_ = true;
  bool waiting_ = false;  // handshake mode: a frame is with the sink
  bool reading_ = false, writing_ = false, closing_ = false, finished_ = false, heard_ = false;
  std::string close_reason_;
  std::atomic<std::uint64_t> frames_in_{0}, frames_out_{0}, dropped_{0};
};

}  // namespace

struct tcp_media_listener::impl : std::enable_shared_from_this<impl> {
  impl(io_runtime& io, tcp_media_options o, accept_handler h)
      : runtime(io.internals()),
        options(std::move(o)),
        on_accept(std::move(h)),
        acceptor(runtime.at(0)),
        backoff(runtime.at(0)) {}

  void do_accept() {
    auto& worker = runtime.at(static_cast<int>(next_worker++ % runtime.workers.size()));
    acceptor.async_accept(worker, [self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (!self->acceptor.is_open()) return;
      if (ec) {
        // Reported, then tried again after a pause (out of descriptors clears only as sockets close).
        spdlog::warn("{} media listener: accept failed: {}", self->options.name, ec.message());
        self->backoff.expires_after(std::chrono::milliseconds(100));
        self->backoff.async_wait([self](error_code e) {
          if (!e) self->do_accept();
        });
        return;
      }
      self->opened(std::move(socket));
      self->do_accept();
    });
  }

  void opened(tcp::socket socket) {
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port());
    auto executor = socket.get_executor();
    auto channel = std::make_shared<tcp_frame_channel>(std::move(socket), remote, options);
    channel->hold_upgrade_line(
        fmt::format("{} tcp media accepted remote={} conn={}", options.name, remote, channel->id()));
    auto sink = on_accept(channel);
    // The socket lives on its worker: start it there.
    asio::post(executor, [channel, sink] { channel->start(sink); });
  }

  io_runtime::impl& runtime;
  tcp_media_options options;
  accept_handler on_accept;
  tcp::acceptor acceptor;
  asio::steady_timer backoff;
  unsigned next_worker = 0;
};

tcp_media_listener::tcp_media_listener(io_runtime& io, tcp_media_options options, accept_handler on_accept)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_accept))) {}

tcp_media_listener::~tcp_media_listener() { stop(); }

std::string tcp_media_listener::start() {
  error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return impl_->options.name + " media listener: bad host " + impl_->options.host;
  tcp::endpoint ep(address, impl_->options.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  // :: takes IPv4 too, whatever the host's net.ipv6.bindv6only says (config's clash check counts on it).
  if (!ec && address.is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return impl_->options.name + " media listener on " + impl_->options.host + ":" +
           std::to_string(impl_->options.port) + ": " + ec.message();
  impl_->do_accept();
  return {};
}

void tcp_media_listener::stop() {
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    error_code ignored;
    self->acceptor.close(ignored);
    self->backoff.cancel();
  });
}

std::uint16_t tcp_media_listener::port() const {
  error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace voxgate::net
