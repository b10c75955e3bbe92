// A minimal Beast WebSocket session for the capacity-bench peers (echo_ai, bare_relay): one read
// loop handing each text message to a callback, and one write in flight with a queue behind it.
// Single-threaded (one io_context thread), so no strand. Bench-only: the gateway has its own.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace voxgate::bench {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

class ws_session : public std::enable_shared_from_this<ws_session> {
 public:
  using on_text = std::function<void(std::string&&)>;
  using on_closed = std::function<void()>;

  explicit ws_session(tcp::socket socket) : ws_(std::move(socket)) {
    ws_.binary(false);
    ws_.read_message_max(1 << 20);
  }
  websocket::stream<beast::tcp_stream>& stream() { return ws_; }

  // Starts reading: every text message goes to `text`; `closed` runs once when the socket ends.
  void start(on_text text, on_closed closed) {
    text_ = std::move(text);
    closed_ = std::move(closed);
    started_ = true;
    read();
    if (!out_.empty()) write();
  }

  // Before start(), messages wait in the queue (the socket may not be open yet).
  void send(std::string message) {
    if (done_) return;
    out_.push_back(std::move(message));
    if (started_ && out_.size() == 1) write();
  }

  void close() {
    if (done_) return;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).socket().close(ec);
    end();
  }

 private:
  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end();
      self->text_(beast::buffers_to_string(self->in_.data()));
      self->in_.consume(self->in_.size());
      if (!self->done_) self->read();
    });
  }

  void write() {
    ws_.async_write(boost::asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end();
      self->out_.pop_front();
      if (!self->out_.empty()) self->write();
    });
  }

  void end() {
    if (done_) return;
    done_ = true;
    out_.clear();
    if (closed_) {
      auto closed = std::move(closed_);
      closed();
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer in_;
  std::deque<std::string> out_;
  on_text text_;
  on_closed closed_;
  bool started_ = false;
  bool done_ = false;
};

// Accepts connections on 127.0.0.1:port, reads each one's HTTP request, and hands both on.
using on_request = std::function<void(tcp::socket, beast::http::request<beast::http::string_body>)>;
void serve(boost::asio::io_context& io, std::uint16_t port, on_request handler);

// Answers a webhook POST (any path) with TwiML whose <Stream> is ws://<Host header><stream_path>.
void answer_with_twiml(tcp::socket socket, const beast::http::request<beast::http::string_body>& request,
                       std::string_view stream_path);

}  // namespace voxgate::bench
