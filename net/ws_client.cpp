#include "net/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/io_runtime_impl.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"
#include "net/ws_connection.hpp"

namespace voxgate::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

template <class Stream>
class connect_op : public std::enable_shared_from_this<connect_op<Stream>> {
 public:
  using done_fn = std::function<void(ws_channel_ptr, std::string)>;

  using websocket_stream = typename ws_connection<Stream>::stream_type;

  connect_op(websocket_stream&& ws, asio::io_context& ioc, url target, ws_connect_options options,
             std::shared_ptr<ws_sink> sink, done_fn done)
      : ws_(std::move(ws)),
        resolver_(ioc.get_executor()),
        target_(std::move(target)),
        options_(std::move(options)),
        sink_(std::move(sink)),
        done_(std::move(done)) {}

  void run() {
    resolver_.async_resolve(target_.host, std::to_string(target_.effective_port()),
                            beast::bind_front_handler(&connect_op::on_resolve, this->shared_from_this()));
  }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("resolve " + target_.host + ": " + ec.message());
    beast::get_lowest_layer(ws_).expires_after(options_.timeout);
    beast::get_lowest_layer(ws_).async_connect(
        results, beast::bind_front_handler(&connect_op::on_connect, this->shared_from_this()));
  }

  void on_connect(beast::error_code ec, tcp::resolver::results_type::endpoint_type) {
    if (ec) return fail("connect " + target_.host_port() + ": " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    if constexpr (std::is_same_v<Stream, plain_stream>) {
      handshake();
    } else {
      auto& tls = ws_.next_layer().next_layer();
      if (!prepare_tls_stream(tls.native_handle(), target_.host)) return fail("TLS setup failed for " + target_.host);
      tls.async_handshake(
          asio::ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->fail("TLS handshake with " + self->target_.host + ": " + ec.message());
            self->handshake();
          });
    }
  }

  void handshake() {
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = options_.timeout;
    timeouts.idle_timeout = websocket::stream_base::none();  // the connection watches (ws_limits::idle_timeout)
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    auto headers = options_.headers;
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "voxgate");
      for (const auto& [k, v] : headers) req.set(k, v);
    }));
    ws_.async_handshake(target_.host_port(), target_.target,
                        beast::bind_front_handler(&connect_op::on_handshake, this->shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail("WebSocket handshake with " + target_.origin() + ": " + ec.message());
    ws_limits limits{options_.max_frame_bytes, options_.max_queue_bytes, std::chrono::milliseconds(0)};
    limits.idle_timeout = options_.idle_timeout;
    auto conn = std::make_shared<ws_connection<Stream>>(std::move(ws_), target_.host_port(), limits, false);
    conn->start(sink_);
    auto done = std::move(done_);
    done(conn, {});
  }

  void fail(std::string why) {
    auto done = std::move(done_);
    if (done) done(nullptr, std::move(why));
  }

  websocket_stream ws_;
  tcp::resolver resolver_;
  url target_;
  ws_connect_options options_;
  std::shared_ptr<ws_sink> sink_;
  done_fn done_;
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
    using stream = beast::ssl_stream<plain_stream>;
    ws_connection<stream>::stream_type ws{ioc.get_executor(), *ctx};
    std::make_shared<connect_op<stream>>(std::move(ws), ioc, std::move(*target), std::move(options), std::move(sink),
                                         std::move(done))
        ->run();
  } else {
    ws_connection<plain_stream>::stream_type ws{ioc.get_executor()};
    std::make_shared<connect_op<plain_stream>>(std::move(ws), ioc, std::move(*target), std::move(options),
                                                    std::move(sink), std::move(done))
        ->run();
  }
}

}  // namespace voxgate::net
