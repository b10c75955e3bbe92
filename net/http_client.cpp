#include "net/http_client.hpp"

#include <atomic>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "net/io_runtime_impl.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"

namespace voxgate::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

template <class Stream>
class fetch_op : public std::enable_shared_from_this<fetch_op<Stream>> {
 public:
  using done_fn = std::function<void(http_client_response)>;

  template <class... Args>
  fetch_op(asio::io_context& ioc, url target, http_client_request request, done_fn done, Args&&... stream_args)
      : stream_(std::forward<Args>(stream_args)...),
        resolver_(ioc.get_executor()),
        target_(std::move(target)),
        request_(std::move(request)),
        done_(std::move(done)) {}

  void run() {
    lowest().expires_after(request_.timeout);
    resolver_.async_resolve(target_.bare_host(), std::to_string(target_.effective_port()),
                            beast::bind_front_handler(&fetch_op::on_resolve, this->shared_from_this()));
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("resolve " + target_.host + ": " + ec.message());
    lowest().async_connect(results, beast::bind_front_handler(&fetch_op::on_connect, this->shared_from_this()));
  }

  void on_connect(beast::error_code ec, tcp::resolver::results_type::endpoint_type) {
    if (ec) return fail("connect " + target_.host_port() + ": " + ec.message());
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      send();
    } else {
      if (!prepare_tls_stream(stream_.native_handle(), target_.bare_host())) return fail("TLS setup failed");
      stream_.async_handshake(asio::ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->fail("TLS handshake with " + self->target_.host + ": " + ec.message());
        self->send();
      });
    }
  }

  void send() {
    req_.method_string(request_.method);
    req_.target(target_.target);
    req_.version(11);
    req_.set(http::field::host, target_.host_port());
    req_.set(http::field::user_agent, "voxgate");
    for (const auto& [k, v] : request_.headers) req_.set(k, v);
    req_.body() = std::move(request_.body);
    req_.keep_alive(false);
    req_.prepare_payload();
    http::async_write(stream_, req_, beast::bind_front_handler(&fetch_op::on_write, this->shared_from_this()));
  }

  // The answer is bounded while it is read, not after: Beast 1.74's async_read can lose the parser's
  // body_limit error when the header and the body's start arrive in one read, and string_body
  // reserves a declared Content-Length up front (900 GB declared was an uncaught bad_alloc). So the
  // header is read alone and its length checked, then the body a piece at a time, counted.
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail("write: " + ec.message());
    parser_.header_limit(16 * 1024);
    parser_.body_limit(request_.max_response_bytes);
    http::async_read_header(stream_, buffer_, parser_,
                            beast::bind_front_handler(&fetch_op::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return fail(read_error(ec));
    if (auto declared = parser_.content_length(); declared && *declared > request_.max_response_bytes)
      return fail(over_limit());
    read_body();
  }

  void read_body() {
    if (parser_.is_done()) return on_read();
    http::async_read_some(stream_, buffer_, parser_,
                          beast::bind_front_handler(&fetch_op::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec == http::error::body_limit ? over_limit() : read_error(ec));
    if (parser_.get().body().size() > request_.max_response_bytes) return fail(over_limit());
    read_body();
  }

  std::string over_limit() const {
    return "answer over the " + std::to_string(request_.max_response_bytes / 1024) + " KiB limit";
  }
  static std::string read_error(beast::error_code ec) {
    return ec == beast::error::timeout ? "timed out" : "read: " + ec.message();
  }

  void on_read() {
    auto& res = parser_.get();
    http_client_response out;
    out.status = res.result_int();
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    complete(std::move(out));
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  void fail(std::string why) {
    http_client_response out;
    out.error = std::move(why);
    complete(std::move(out));
  }

  void complete(http_client_response r) {
    auto done = std::move(done_);
    if (done) done(std::move(r));
  }

  Stream stream_;
  tcp::resolver resolver_;
  url target_;
  http_client_request request_;
  done_fn done_;
  beast::flat_buffer buffer_{64 * 1024};  // a read never holds more than this beyond what the parser took
  http::request<http::string_body> req_;
  http::response_parser<http::string_body> parser_;
};

// An exchange that may not have reached the server (no answer, or one cut short), or that the server
// answered "not now".
bool worth_again(const http_client_response& r) {
  return !r.error.empty() || r.status == 408 || r.status == 429 || r.status >= 500;
}

void fetch(io_runtime& io, http_client_request request, std::function<void(http_client_response)> done);

// The callback of a request that has retries left: a failed answer schedules the next try on this
// worker (a loop that stops abandons it), anything else goes on to `done`.
std::function<void(http_client_response)> again_on_failure(io_runtime& io, asio::io_context& ioc,
                                                           http_client_request next,
                                                           std::function<void(http_client_response)> done) {
  return [&io, &ioc, next = std::move(next), done = std::move(done)](http_client_response r) mutable {
    if (!worth_again(r)) return done(std::move(r));
    auto wait = next.retry_wait;
    if (next.on_retry) next.on_retry(r, wait);
    --next.retries;
    next.retry_wait *= 2;
    auto timer = std::make_shared<asio::steady_timer>(ioc, wait);
    timer->async_wait([&io, timer, next = std::move(next), done = std::move(done)](boost::system::error_code ec) mutable {
      if (!ec) fetch(io, std::move(next), std::move(done));
    });
  };
}

std::atomic<std::int64_t> requests_in_flight{0};
std::atomic<std::int64_t> retried_requests_in_flight{0};

// Counts a request from its first try until its callback has run, or was dropped with a stopped loop.
struct in_flight {
  explicit in_flight(bool retried) : retried(retried) {
    requests_in_flight.fetch_add(1, std::memory_order_relaxed);
    if (retried) retried_requests_in_flight.fetch_add(1, std::memory_order_relaxed);
  }
  ~in_flight() {
    requests_in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (retried) retried_requests_in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
  in_flight(const in_flight&) = delete;
  in_flight& operator=(const in_flight&) = delete;
  bool retried;
};

void fetch(io_runtime& io, http_client_request request, std::function<void(http_client_response)> done) {
  auto& ioc = io.internals().here();  // the calling worker: a call's sockets share its thread
  auto target = parse_url(request.url);
  if (!target || (target->scheme != "http" && target->scheme != "https")) {
    asio::post(ioc, [done = std::move(done), u = request.url] {
      http_client_response r;
      r.error = "not an http(s) URL: " + u;
      done(std::move(r));
    });
    return;
  }
  std::shared_ptr<asio::ssl::context> ctx;
  if (target->tls()) {
    try {
      ctx = make_client_tls_context(request.tls);
    } catch (const std::exception& e) {
      asio::post(ioc, [done = std::move(done), w = std::string(e.what())] {
        http_client_response r;
        r.error = "TLS context: " + w;
        done(std::move(r));
      });
      return;
    }
  }
  if (request.retries > 0) done = again_on_failure(io, ioc, request, std::move(done));  // a copy for the next try
  if (ctx) {
    using stream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<fetch_op<stream>>(ioc, std::move(*target), std::move(request), std::move(done),
                                       ioc.get_executor(), *ctx)
        ->run();
  } else {
    std::make_shared<fetch_op<beast::tcp_stream>>(ioc, std::move(*target), std::move(request), std::move(done),
                                                  ioc.get_executor())
        ->run();
  }
}

}  // namespace

void http_fetch(io_runtime& io, http_client_request request, std::function<void(http_client_response)> done) {
  auto counted = std::make_shared<in_flight>(request.retries > 0);
  fetch(io, std::move(request),
        [counted = std::move(counted), done = std::move(done)](http_client_response r) { done(std::move(r)); });
}

std::size_t http_requests_in_flight() {
  auto n = requests_in_flight.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::size_t http_retried_requests_in_flight() {
  auto n = retried_requests_in_flight.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace voxgate::net
