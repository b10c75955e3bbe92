#include "tools/probe/probe_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/tls_context.hpp"

namespace voxgate::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds since(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t);
}

std::string certificate_summary(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "no certificate";
  char subject[256], issuer[256];
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
  int days = 0, secs = 0;
  ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert));
  X509_free(cert);
  return std::string("subject ") + subject + ", issuer " + issuer + ", expires in " + std::to_string(days) + " days";
}

// OpenSSL read a plain-text answer (an HTTP status line) where a TLS record should be: the server
// speaks plain http. OpenSSL 3.0 says "wrong version number"; others read "HTTP" as a record length.
bool plain_text_reply(const beast::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  return reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG;
}

}  // namespace

struct probe_client::impl {
  net::url target;
  net::tls_settings tls;
  std::string connect_host;
  std::string connect_port;
  asio::io_context ioc;
  tcp::resolver::results_type endpoints;
  std::vector<std::string> addresses;
  std::shared_ptr<asio::ssl::context> ctx;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  std::unique_ptr<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> wss;
  std::unique_ptr<beast::tcp_stream> raw;  // a plain TCP media socket (open_tcp)
  frame_cutter frame_size;
  std::string raw_in;  // what came on `raw`, not yet cut into frames
  std::array<char, 4096> raw_chunk{};
  beast::flat_buffer buffer;
  bool read_pending = false;
  bool read_closed = false;
  std::deque<std::string> frames;
  std::deque<bool> binary;  // of each frame in `frames`
  bool plain_http = false;  // the last open() met a plain-text server where TLS was expected

  // A fresh TCP (+TLS) connection; returns an error text or empty.
  template <class Stream>
  std::string open(Stream& stream) {
    plain_http = false;
    beast::error_code ec;
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(std::chrono::seconds(10));
    lowest.connect(endpoints, ec);
    if (ec) return "connect: " + ec.message();
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      if (!net::prepare_tls_stream(stream.native_handle(), target.host)) return "TLS setup failed";
      stream.handshake(asio::ssl::stream_base::client, ec);
      if (ec) {
        long verify = SSL_get_verify_result(stream.native_handle());
        if (verify != X509_V_OK) return std::string("certificate: ") + X509_verify_cert_error_string(verify);
        plain_http = plain_text_reply(ec);
        return "TLS handshake: " + ec.message();
      }
    }
    return {};
  }
};

probe_client::probe_client(net::url target, net::tls_settings tls, std::string connect_to)
    : impl_(std::make_unique<impl>()) {
  impl_->target = std::move(target);
  impl_->tls = std::move(tls);
  impl_->connect_host = impl_->target.host;
  impl_->connect_port = std::to_string(impl_->target.effective_port());
  if (!connect_to.empty()) {
    auto colon = connect_to.rfind(':');
    impl_->connect_host = connect_to.substr(0, colon);
    if (colon != std::string::npos) impl_->connect_port = connect_to.substr(colon + 1);
  }
  if (impl_->target.tls()) impl_->ctx = net::make_client_tls_context(impl_->tls);
}

probe_client::~probe_client() { close(); }

const std::vector<std::string>& probe_client::addresses() const { return impl_->addresses; }

probe_step probe_client::resolve() {
  auto start = clock_type::now();
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  impl_->endpoints = resolver.resolve(impl_->connect_host, impl_->connect_port, ec);
  if (ec) return {false, impl_->connect_host + ": " + ec.message(), since(start)};
  std::string detail;
  for (const auto& e : impl_->endpoints) {
    impl_->addresses.push_back(e.endpoint().address().to_string());
    detail += (detail.empty() ? "" : ", ") + impl_->addresses.back();
  }
  return {true, impl_->connect_host + " -> " + detail, since(start)};
}

probe_step probe_client::connect() {
  auto start = clock_type::now();
  beast::tcp_stream s(impl_->ioc);
  s.expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  auto ep = s.connect(impl_->endpoints, ec);
  if (ec) return {false, impl_->connect_host + ":" + impl_->connect_port + ": " + ec.message(), since(start)};
  return {true, ep.address().to_string() + ":" + std::to_string(ep.port()), since(start)};
}

probe_step probe_client::tls_handshake() {
  auto start = clock_type::now();
  if (!impl_->target.tls()) return {true, "plain " + impl_->target.scheme + ": no TLS", since(start)};
  beast::ssl_stream<beast::tcp_stream> s(impl_->ioc, *impl_->ctx);
  auto err = impl_->open(s);
  if (!err.empty()) return {false, err, since(start), impl_->plain_http};
  auto summary = certificate_summary(s.native_handle());
  beast::error_code ec;
  s.shutdown(ec);
  return {true, summary, since(start)};
}

probe_step probe_client::http(const std::string& method, const std::string& target, const net::header_list& headers,
                              const std::string& body, probe_http_response& out) {
  auto start = clock_type::now();
  auto exchange = [&](auto& stream) -> std::string {
    auto err = impl_->open(stream);
    if (!err.empty()) return err;
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, impl_->target.host_port());
    req.set(http::field::user_agent, "voxgate-probe");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    http::write(stream, req, ec);
    if (ec) return "write: " + ec.message();
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    beast::flat_buffer buffer;
    http::read(stream, buffer, parser, ec);
    if (ec) return "read: " + ec.message();
    auto& res = parser.get();
    out.status = res.result_int();
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = res.body();
    return {};
  };
  std::string err;
  if (impl_->target.tls()) {
    beast::ssl_stream<beast::tcp_stream> s(impl_->ioc, *impl_->ctx);
    err = exchange(s);
  } else {
    beast::tcp_stream s(impl_->ioc);
    err = exchange(s);
  }
  if (!err.empty()) return {false, err, since(start), impl_->plain_http};
  return {true, "HTTP " + std::to_string(out.status), since(start)};
}

probe_step probe_client::upgrade(const std::string& target, const net::header_list& headers, probe_http_response& out) {
  auto start = clock_type::now();
  close();
  impl_->read_closed = false;
  impl_->frames.clear();
  impl_->binary.clear();
  auto handshake = [&](auto& ws) -> std::string {
    auto err = impl_->open(ws.next_layer());
    if (!err.empty()) return err;
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));  // a silent server cannot hang the probe
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(http::field::user_agent, "voxgate-probe");
      for (const auto& [k, v] : headers) req.set(k, v);
    }));
    // The asynchronous handshake hands back the response even when the upgrade is declined (Boost
    // 1.74's blocking one does not), and what came back instead of 101 is the diagnosis.
    websocket::response_type res;
    beast::error_code ec;
    ws.async_handshake(res, impl_->target.host_port(), target, [&ec](beast::error_code e) { ec = e; });
    impl_->ioc.restart();
    impl_->ioc.run();
    out.status = res.result_int();
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = res.body();
    if (ec) return ec == beast::error::timeout ? "no answer to the upgrade within 10 s" : ec.message();
    beast::get_lowest_layer(ws).expires_never();
    ws.text(true);
    return {};
  };
  std::string err;
  if (impl_->target.tls()) {
    impl_->wss = std::make_unique<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>(impl_->ioc, *impl_->ctx);
    err = handshake(*impl_->wss);
    if (!err.empty()) impl_->wss.reset();
  } else {
    impl_->ws = std::make_unique<websocket::stream<beast::tcp_stream>>(impl_->ioc);
    err = handshake(*impl_->ws);
    if (!err.empty()) impl_->ws.reset();
  }
  if (!err.empty()) return {false, "HTTP " + std::to_string(out.status) + ": " + err, since(start), impl_->plain_http};
  return {true, "HTTP 101 Switching Protocols", since(start)};
}

probe_step probe_client::open_tcp(std::uint16_t port, frame_cutter frame_size) {
  auto start = clock_type::now();
  close();
  impl_->read_closed = false;
  impl_->frames.clear();
  impl_->binary.clear();
  impl_->raw_in.clear();
  impl_->frame_size = std::move(frame_size);
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(impl_->connect_host, std::to_string(port), ec);
  std::string where = impl_->connect_host + ":" + std::to_string(port);
  if (ec) return {false, where + ": " + ec.message(), since(start)};
  impl_->raw = std::make_unique<beast::tcp_stream>(impl_->ioc);
  impl_->raw->expires_after(std::chrono::seconds(10));
  impl_->raw->connect(endpoints, ec);
  if (ec) {
    impl_->raw.reset();
    return {false, where + ": " + ec.message(), since(start)};
  }
  impl_->raw->expires_never();
  impl_->raw->socket().set_option(tcp::no_delay(true), ec);
  return {true, where + " (plain TCP)", since(start)};
}

void probe_client::shutdown_send() {
  beast::error_code ec;
  if (impl_->raw) impl_->raw->socket().shutdown(tcp::socket::shutdown_send, ec);
}

void probe_client::send_text(const std::string& text) { send(text, false); }

void probe_client::send(const std::string& data, bool binary) {
  beast::error_code ec;
  if (impl_->raw && !data.empty()) asio::write(impl_->raw->socket(), asio::buffer(data), ec);
  if (impl_->ws) {
    impl_->ws->binary(binary);
    impl_->ws->write(asio::buffer(data), ec);
  }
  if (impl_->wss) {
    impl_->wss->binary(binary);
    impl_->wss->write(asio::buffer(data), ec);
  }
}

std::optional<std::string> probe_client::read_text(std::chrono::milliseconds timeout, bool* closed) {
  return read(timeout, closed, nullptr);
}

std::optional<std::string> probe_client::read(std::chrono::milliseconds timeout, bool* closed, bool* binary) {
  auto& st = *impl_;
  if (closed) *closed = st.read_closed;
  if (!st.ws && !st.wss && !st.raw) {
    if (closed) *closed = true;
    return std::nullopt;
  }
  // One read stays pending across calls, so polling never loses or cancels a frame.
  if (!st.read_pending && !st.read_closed) {
    st.read_pending = true;
    auto on_read = [&st](beast::error_code ec, std::size_t) {
      st.read_pending = false;
      if (ec) {
        st.read_closed = true;
        return;
      }
      st.frames.push_back(beast::buffers_to_string(st.buffer.data()));
      st.binary.push_back(st.ws ? st.ws->got_binary() : st.wss->got_binary());
      st.buffer.consume(st.buffer.size());
    };
    // Plain TCP: whatever came, cut into the whole frames it completes.
    auto on_bytes = [&st](beast::error_code ec, std::size_t n) {
      st.read_pending = false;
      st.raw_in.append(st.raw_chunk.data(), n);
      for (std::size_t size; (size = st.frame_size(st.raw_in)) > 0;) {
        st.frames.push_back(st.raw_in.substr(0, size));
        st.binary.push_back(true);
        st.raw_in.erase(0, size);
      }
      if (ec) st.read_closed = true;
    };
    if (st.raw)
      st.raw->async_read_some(asio::buffer(st.raw_chunk), on_bytes);
    else if (st.ws)
      st.ws->async_read(st.buffer, on_read);
    else
      st.wss->async_read(st.buffer, on_read);
  }
  if (st.frames.empty() && !st.read_closed) {
    st.ioc.restart();
    st.ioc.run_for(timeout);
  }
  if (closed) *closed = st.read_closed && st.frames.empty();
  if (st.frames.empty()) return std::nullopt;
  auto frame = std::move(st.frames.front());
  st.frames.pop_front();
  if (binary) *binary = st.binary.front();
  st.binary.pop_front();
  return frame;
}

void probe_client::close() {
  beast::error_code ec;
  if (impl_->read_pending) {
    // Let the pending read finish (with an error) before its stream goes away.
    if (impl_->ws) beast::get_lowest_layer(*impl_->ws).socket().close(ec);
    if (impl_->wss) beast::get_lowest_layer(*impl_->wss).socket().close(ec);
    if (impl_->raw) impl_->raw->socket().close(ec);
    impl_->ioc.restart();
    impl_->ioc.run_for(std::chrono::milliseconds(200));
    impl_->read_pending = false;
  }
  if (impl_->ws) {
    beast::get_lowest_layer(*impl_->ws).socket().close(ec);
    impl_->ws.reset();
  }
  if (impl_->wss) {
    beast::get_lowest_layer(*impl_->wss).socket().close(ec);
    impl_->wss.reset();
  }
  if (impl_->raw) {
    impl_->raw->socket().close(ec);
    impl_->raw.reset();
  }
}

}  // namespace voxgate::tools
