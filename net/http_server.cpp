#include "net/http_server.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/io_runtime_impl.hpp"
#include "net/log_value.hpp"
#include "net/ws_connection.hpp"

namespace voxgate::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

std::atomic<std::int64_t>& ws_connection_count() {
  static std::atomic<std::int64_t> count{0};
  return count;
}

std::size_t open_ws_connections() {
  auto n = ws_connection_count().load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::uint64_t next_connection_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  struct route_entry {
    std::string method;
    std::string path;
    bool prefix;
    http_handler handler;
  };
  struct ws_route_entry {
    std::string path;
    upgrade_handler handler;
  };

  impl(io_runtime& io, http_server_options o)
      : runtime(io.internals()),
        options(std::move(o)),
        acceptor(runtime.at(0)),
        backoff(acceptor.get_executor()),
        spare_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}
  ~impl() {
    if (spare_fd >= 0) ::close(spare_fd);
  }

  io_runtime::impl& runtime;
  unsigned next_worker = 0;  // accepted connections go to the workers in turn
  http_server_options options;
  tcp::acceptor acceptor;
  std::vector<route_entry> routes;
  std::vector<ws_route_entry> ws_routes;
  std::function<void(const upgrade_attempt&)> observer;
  std::function<void(std::string_view)> accept_error_observer;
  std::atomic<bool> stopped{false};
  asio::steady_timer backoff;  // between failed accepts
  int spare_fd;                // given up to shed a connection when out of descriptors
  bool accept_failing = false;  // since the last accept that worked: log the episode once

  const ws_route_entry* find_ws_route(std::string_view path) const {
    for (const auto& r : ws_routes) {
      bool prefix = !r.path.empty() && r.path.back() == '/';
      if (prefix ? path.substr(0, r.path.size()) == r.path && path.size() > r.path.size() : path == r.path) return &r;
    }
    return nullptr;
  }

  const route_entry* find_route(std::string_view method, std::string_view path, bool& path_known) const {
    path_known = false;
    for (const auto& r : routes) {
      bool match = r.prefix ? path.substr(0, r.path.size()) == r.path : path == r.path;
      if (!match) continue;
      path_known = true;
      if (r.method == method) return &r;
    }
    return nullptr;
  }

  // Prefix routes carry a secret in the rest of the path (a call token): log the prefix only. A path
  // no route knows is shown in the log line (bounded, and quoted unless it is a plain token, so that
  // it cannot pose as the line's fields) but reported as one value, so that a scanner cannot grow the
  // metric's series without bound.
  std::string loggable_path(const http_request& req, bool& routed) const {
    auto path = req.path();
    routed = true;
    for (const auto& r : ws_routes)
      if (!r.path.empty() && r.path.back() == '/' && path.substr(0, r.path.size()) == r.path)
        return r.path + "<redacted>";
    if (find_ws_route(path)) return std::string(path);
    routed = false;
    return fmt::format("{}", token{path});
  }

  // `hold`: an accepted socket whose line waits for its call id (ws_channel::report_upgrade).
  // `worker`: the worker whose loop took an accepted socket.
  void report(const http_request& req, bool accepted, unsigned status, std::string_view label,
              std::string_view reason, ws_channel* hold = nullptr, int worker = -1) {
    bool routed = false;
    auto path = loggable_path(req, routed);
    // The line operators look for when "the media WebSocket never connects".
    auto line = fmt::format(
        "path={} remote={} host={} x_forwarded_proto={} x_forwarded_host={} result={} status={} reason={}", path,
        req.remote, token{header_or(req.headers, "host", "-")}, token{header_or(req.headers, "x-forwarded-proto", "-")},
        token{header_or(req.headers, "x-forwarded-host", "-")}, accepted ? "accepted" : "refused", status,
        quoted{reason});
    if (worker >= 0) line += fmt::format(" worker={}", worker);
    if (hold)
      hold->hold_upgrade_line(std::move(line));
    else
      spdlog::info("upgrade {}", line);
    if (observer)
      observer({routed ? path : std::string(unrouted_path), req.remote, accepted, status, std::string(label),
                std::string(reason)});
  }

  void do_accept();
  void on_accept_error(beast::error_code ec);
  void shed_one();
};

namespace {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, std::shared_ptr<http_server::impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(server_->options.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout) {
      close();
      return;
    }
    head_ = false;
    if (ec) {
      unsigned status = ec == http::error::body_limit ? 413 : 400;
      send_raw(status, "bad request: " + ec.message() + "\n", false);
      return;
    }
    auto& msg = parser_->get();
    // HEAD is GET without the body (RFC 9110 9.3.2): probes and load balancers use it.
    head_ = msg.method() == http::verb::head;
    http_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote = remote_;
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    keep_alive_ = msg.keep_alive();

    if (const auto* ws_route = server_->find_ws_route(req.path())) {
      handle_upgrade(std::move(req), ws_route);
      return;
    }
    if (websocket::is_upgrade(msg)) {
      server_->report(req, false, 404, "not_routed", "no WebSocket route for this path (check the Stream url's path)");
      send_raw(404, "no WebSocket route for this path\n", false);
      return;
    }
    bool path_known = false;
    const auto* route = server_->find_route(req.method, req.path(), path_known);
    if (!route && head_) route = server_->find_route("GET", req.path(), path_known);
    if (!route) {
      send_raw(path_known ? 405 : 404, path_known ? "method not allowed\n" : "not found\n", keep_alive_);
      return;
    }
    auto self = shared_from_this();
    responder respond = [self](http_response r) {
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
    };
    try {
      route->handler(std::move(req), std::move(respond));
    } catch (const std::exception& e) {
      spdlog::error("http handler threw: {}", e.what());
      send_raw(500, "internal error\n", false);
    }
  }

  void handle_upgrade(http_request req, const http_server::impl::ws_route_entry* route) {
    auto& msg = parser_->get();
    if (!websocket::is_upgrade(msg)) {
      server_->report(req, false, 426, "not_an_upgrade",
                      "not a WebSocket upgrade: Upgrade/Connection headers missing (a proxy may strip them)");
      send_raw(426, "this path takes WebSocket upgrades only\n", false, true);
      return;
    }
    upgrade_decision decision;
    try {
      decision = route->handler(req);
    } catch (const std::exception& e) {
      decision = upgrade_decision::refuse(500, "handler_error", std::string("handler error: ") + e.what());
    }
    if (!decision.accept) {
      server_->report(req, false, decision.status, decision.label, decision.reason);
      send_raw(decision.status, decision.reason + "\n", false);
      return;
    }
    stream_.expires_never();
    auto upgrade = std::make_shared<http::request<http::string_body>>(parser_->release());
    // The plain TCP socket moves to the worker of the call it belongs to (else it stays on this
    // one) before the handshake, so that the WebSocket, its call's actors and its AI socket share one
    // thread; there it becomes a stream on that worker's io_context as a concrete executor.
    int target = decision.worker;
    if (target < 0 || target >= static_cast<int>(server_->runtime.workers.size())) target = server_->runtime.pick();
    beast::error_code ec;
    auto protocol = stream_.socket().local_endpoint(ec).protocol();
    int fd = ec ? -1 : stream_.socket().release(ec);
    if (ec || fd < 0) {
      server_->report(req, false, 500, "handover_failed", "taking the socket for the WebSocket failed: " + ec.message());
      send_raw(500, "the upgrade failed on the server\n", false);
      return;
    }
    auto& loop = server_->runtime.at(target);
    asio::post(loop, [&loop, fd, protocol, upgrade, server = server_, remote = remote_, req = std::move(req),
                      decision = std::move(decision)]() mutable {
      beast::error_code assign_ec;
      plain_socket stream(loop.get_executor());
      stream.assign(protocol, fd, assign_ec);
      if (assign_ec) {
        ::close(fd);
        server->report(req, false, 500, "handover_failed", "moving the socket to its call's worker failed");
        return;
      }
      accept_websocket(server, std::move(stream), upgrade, remote, std::move(req), std::move(decision));
    });
  }

  // On the worker that keeps the socket: the WebSocket handshake (Beast checks the request and
  // answers it), then the connection, which frames the socket from there on.
  static void accept_websocket(std::shared_ptr<http_server::impl> server, plain_socket stream,
                               std::shared_ptr<http::request<http::string_body>> msg, std::string remote,
                               http_request req, upgrade_decision decision) {
    using connection = ws_connection<plain_socket>;
    auto ws = std::make_shared<websocket::stream<plain_socket>>(std::move(stream));
    // The handshake's bound; the connection watches for an idle peer itself (ws_limits::idle_timeout).
    ws->set_option(websocket::stream_base::timeout{std::chrono::seconds(10), websocket::stream_base::none(), false});
    ws->set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "voxgate"); }));
    ws->async_accept(*msg, [ws, msg, server, remote, req = std::move(req),
                            decision = std::move(decision)](beast::error_code ec) mutable {
      if (ec) {
        server->report(req, false, 400, "handshake_failed", "handshake failed: " + ec.message());
        return;
      }
      ws->next_layer().set_option(tcp::no_delay(true), ec);
      ws_limits limits{decision.max_frame_bytes ? decision.max_frame_bytes : server->options.max_ws_frame_bytes,
                       decision.max_queue_bytes ? decision.max_queue_bytes : server->options.max_ws_queue_bytes,
                       std::chrono::milliseconds(server->options.ws_handshake_timeout_ms)};
      limits.idle_timeout = std::chrono::seconds(30);  // pings find a vanished peer
      auto conn =
          std::make_shared<connection>(std::move(ws->next_layer()), remote, limits, decision.handshake_mode, ws_role::server);
      server->report(req, true, 101, "ok", decision.reason.empty() ? "ok" : decision.reason,
                     decision.name_call_in_log ? conn.get() : nullptr, server->runtime.current());
      if (decision.on_open) decision.on_open(conn);
      conn->start(decision.sink);
    });
  }

  void send(http_response r) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::server, "voxgate");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive_);
    res.body() = std::move(r.body);
    write(std::move(res));
  }

  void send_raw(unsigned status, std::string body, bool keep_alive, bool upgrade_required = false) {
    keep_alive_ = keep_alive;
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::server, "voxgate");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (upgrade_required) res.set(http::field::upgrade, "websocket");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    write(std::move(res));
  }

  void write(http::response<http::string_body>&& res) {
    res.prepare_payload();
    if (head_) res.body().clear();  // a HEAD answer: the headers a GET would carry, Content-Length too
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
    http::async_write(stream_, *sp, [self = shared_from_this(), sp](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) {
        self->close();
        return;
      }
      self->do_read();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_server::impl> server_;
  std::string remote_;
  bool keep_alive_ = false;
  bool head_ = false;  // the request being answered is a HEAD
};

}  // namespace

void http_server::impl::do_accept() {
  auto& worker = runtime.at(static_cast<int>(next_worker++ % runtime.workers.size()));
  acceptor.async_accept(worker, [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (self->accept_failing) spdlog::info("accepting connections again");
      self->accept_failing = false;
      std::make_shared<http_session>(std::move(socket), self)->run();
      self->do_accept();
      return;
    }
    self->on_accept_error(ec);
  });
}

// Out of descriptors (EMFILE/ENFILE), the pending connection stays in the backlog and accept fails
// again at once: re-arming immediately spins a core and starves every other socket. Instead, give
// up the spare descriptor, accept the connection and close it (the client sees a reset at once, not
// a hang), take the spare back, and wait a moment before accepting again. Logged once per episode.
void http_server::impl::on_accept_error(beast::error_code ec) {
  bool out_of_fds = ec == asio::error::no_descriptors || ec.value() == ENFILE;
  if (accept_error_observer) accept_error_observer(out_of_fds ? "out_of_fds" : "other");
  if (!accept_failing) spdlog::error("accept failed: {}; backing off (logged once until accepts succeed)", ec.message());
  accept_failing = true;
  if (out_of_fds) shed_one();
  backoff.expires_after(std::chrono::milliseconds(100));
  backoff.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (wait_ec || self->stopped) return;
    self->do_accept();
  });
}

void http_server::impl::shed_one() {
  if (spare_fd >= 0) ::close(spare_fd);
  int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) ::close(fd);
  spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

http_server::http_server(io_runtime& io, http_server_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}

http_server::~http_server() { stop(); }

void http_server::route(std::string method, std::string path, http_handler handler) {
  impl_->routes.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void http_server::route_prefix(std::string method, std::string prefix, http_handler handler) {
  impl_->routes.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

void http_server::route_ws(std::string path, upgrade_handler handler) {
  impl_->ws_routes.push_back({std::move(path), std::move(handler)});
}

void http_server::on_upgrade_attempt(std::function<void(const upgrade_attempt&)> observer) {
  impl_->observer = std::move(observer);
}

void http_server::on_accept_error(std::function<void(std::string_view reason)> observer) {
  impl_->accept_error_observer = std::move(observer);
}

std::string http_server::start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return "bad HOST '" + impl_->options.host + "': " + ec.message();
  tcp::endpoint ep{address, impl_->options.port};
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  // :: takes IPv4 too, whatever the host's net.ipv6.bindv6only says (config's clash check counts on it).
  if (!ec && address.is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) + ": " + ec.message();
  impl_->do_accept();
  return {};
}

void http_server::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ec;
    self->acceptor.close(ec);
    self->backoff.cancel();
  });
}

std::uint16_t http_server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace voxgate::net
