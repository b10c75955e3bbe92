#include "net/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "net/io_runtime_impl.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"
#include "net/ws_connection.hpp"

namespace voxgate::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using tls_socket = asio::ssl::stream<plain_socket>;

// Connect, TLS where the URL asks for it, then the opening handshake of RFC 6455 §4.1, each step
// bounded by the timeout. The response is read into our own buffer, so frames the server sends right
// behind it reach the connection too.
template <class Stream>
class connect_op : public std::enable_shared_from_this<connect_op<Stream>> {
 public:
  using done_fn = std::function<void(ws_channel_ptr, std::string)>;

  // `stream_args` build the stream in place: the worker's executor, and for TLS the context.
  template <class... StreamArgs>
  connect_op(asio::io_context& ioc, url target, ws_connect_options options, std::shared_ptr<ws_sink> sink,
             done_fn done, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        resolver_(ioc.get_executor()),
        timer_(ioc.get_executor()),
        target_(std::move(target)),
        options_(std::move(options)),
        sink_(std::move(sink)),
        done_(std::move(done)) {}

  void run() {
    resolver_.async_resolve(target_.bare_host(), std::to_string(target_.effective_port()),
                            [self = this->shared_from_this()](boost::system::error_code ec,
                                                              tcp::resolver::results_type results) {
                              self->on_resolve(ec, std::move(results));
                            });
  }

 private:
  // The step under way gets the timeout: at its end the socket closes and the step fails.
  void bound_step() {
    timer_.expires_after(options_.timeout);
    timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      tcp_of(self->stream_).close(ignored);
    });
  }

  std::string why(boost::system::error_code ec) const {
    return timed_out_ ? "timed out after " + std::to_string(options_.timeout.count()) + " ms" : ec.message();
  }

  void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("resolve " + target_.host + ": " + ec.message());
    bound_step();
    asio::async_connect(tcp_of(stream_), results,
                        [self = this->shared_from_this()](boost::system::error_code ec, const tcp::endpoint&) {
                          self->on_connect(ec);
                        });
  }

  void on_connect(boost::system::error_code ec) {
    if (ec) return fail("connect " + target_.host_port() + ": " + why(ec));
    tcp_of(stream_).set_option(tcp::no_delay(true), ec);
    if constexpr (std::is_same_v<Stream, plain_socket>) {
      handshake();
    } else {
      if (!prepare_tls_stream(stream_.native_handle(), target_.bare_host())) return fail("TLS setup failed for " + target_.host);
      bound_step();
      stream_.async_handshake(asio::ssl::stream_base::client, [self = this->shared_from_this()](boost::system::error_code ec) {
        if (ec) return self->fail("TLS handshake with " + self->target_.host + ": " + self->why(ec));
        self->handshake();
      });
    }
  }

  // A line break in the target or a header would end the request's line and start another.
  bool has_line_break() const {
    auto broken = [](std::string_view v) { return v.find_first_of("\r\n") != std::string_view::npos; };
    if (broken(target_.target) || broken(target_.host_port())) return true;
    for (const auto& [k, v] : options_.headers)
      if (broken(k) || broken(v)) return true;
    return false;
  }

  void handshake() {
    if (has_line_break()) return fail(handshake_failed("a line break in the target or a header"));
    try {
      key_ = ws::client_key();
    } catch (const std::exception& e) {
      return fail(handshake_failed(e.what()));
    }
    request_.method(http::verb::get);
    request_.target(target_.target);
    request_.version(11);
    request_.set(http::field::host, target_.host_port());
    request_.set(http::field::upgrade, "websocket");
    request_.set(http::field::connection, "Upgrade");
    request_.set(http::field::sec_websocket_key, key_);
    request_.set(http::field::sec_websocket_version, "13");
    request_.set(http::field::user_agent, "voxgate");
    for (const auto& [k, v] : options_.headers) request_.set(k, v);
    bound_step();
    http::async_write(stream_, request_, [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->fail(self->handshake_failed(self->why(ec)));
      self->parser_.body_limit(16 * 1024);  // a refusal's body, for the log
      http::async_read(self->stream_, self->buffer_, self->parser_,
                       [self](boost::system::error_code ec, std::size_t) { self->on_response(ec); });
    });
  }

  std::string handshake_failed(const std::string& why) const {
    return "WebSocket handshake with " + target_.origin() + ": " + why;
  }

  void on_response(boost::system::error_code ec) {
    if (ec) return fail(handshake_failed(why(ec)));
    timer_.cancel();
    const auto& res = parser_.get();
    if (res.result() != http::status::switching_protocols)
      return fail(handshake_failed("the server answered " + std::to_string(res.result_int()) +
                                   " instead of switching protocols"));
    if (res.version() != 11 || !boost::beast::iequals(res[http::field::upgrade], "websocket") ||
        !http::token_list(res[http::field::connection]).exists("upgrade") ||
        res[http::field::sec_websocket_accept] != ws::accept_key(key_))
      return fail(handshake_failed(
          "the server's 101 answer is not a WebSocket one (HTTP/1.1, Upgrade, Connection, Sec-WebSocket-Accept)"));
    // We ask for no extension and no subprotocol: a server that picks one anyway would frame
    // what we cannot read.
    if (res.count(http::field::sec_websocket_extensions) || res.count(http::field::sec_websocket_protocol))
      return fail(handshake_failed("the server chose an extension or a subprotocol we did not offer"));
    ws_limits limits{options_.max_frame_bytes, options_.max_queue_bytes, std::chrono::milliseconds(0)};
    limits.idle_timeout = options_.idle_timeout;
    auto early = buffer_.data();
    auto conn = std::make_shared<ws_connection<Stream>>(
        std::move(stream_), target_.host_port(), limits, false, ws_role::client,
        std::string_view(static_cast<const char*>(early.data()), early.size()));
    conn->start(sink_);
    auto done = std::move(done_);
    done(conn, {});
  }

  void fail(std::string why) {
    timer_.cancel();
    auto done = std::move(done_);
    if (done) done(nullptr, std::move(why));
  }

  Stream stream_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  bool timed_out_ = false;
  url target_;
  ws_connect_options options_;
  std::shared_ptr<ws_sink> sink_;
  done_fn done_;
  std::string key_;
  http::request<http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

void ws_connect(io_runtime& io, ws_connect_options options, std::shared_ptr<ws_sink> sink,
                std::function<void(ws_channel_ptr, std::string)> done) {
  auto& ioc = io.internals().here();  // the calling worker: a call's sockets share its thread
  auto target = parse_url(options.url);
  if (!target || (target->scheme != "ws" && target->scheme != "wss")) {
    asio::post(ioc, [done = std::move(done), u = options.url] { done(nullptr, "not a ws:// or wss:// URL: " + u); });
    return;
  }
  if (target->tls()) {
    std::shared_ptr<asio::ssl::context> ctx;
    try {
      ctx = make_client_tls_context(options.tls);
    } catch (const std::exception& e) {
      asio::post(ioc, [done = std::move(done), w = std::string(e.what())] { done(nullptr, "TLS context: " + w); });
      return;
    }
    std::make_shared<connect_op<tls_socket>>(ioc, std::move(*target), std::move(options), std::move(sink),
                                             std::move(done), ioc.get_executor(), *ctx)
        ->run();
  } else {
    std::make_shared<connect_op<plain_socket>>(ioc, std::move(*target), std::move(options), std::move(sink),
                                               std::move(done), ioc.get_executor())
        ->run();
  }
}

}  // namespace voxgate::net
