#include "tests/fakes/strip_proxy.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <string>
#include <thread>
#include <vector>

namespace voxgate::fakes {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct strip_proxy::impl {
  std::uint16_t upstream;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<bool> stopping{false};
  std::thread thread;

  void serve_one(tcp::socket client) {
    boost::system::error_code ec;
    asio::streambuf in;
    asio::read_until(client, in, "\r\n\r\n", ec);
    if (ec) return;
    std::istream is(&in);
    std::string line, request, content_length;
    while (std::getline(is, line) && line != "\r") {
      std::string lower = line;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("upgrade:", 0) == 0 || lower.rfind("connection:", 0) == 0) continue;  // the misconfiguration
      if (lower.rfind("content-length:", 0) == 0) content_length = line.substr(15);
      request += line + "\n";
    }
    request += "Connection: close\r\n\r\n";
    std::size_t body = content_length.empty() ? 0 : std::stoul(content_length);
    std::string rest(std::istreambuf_iterator<char>(is), {});
    if (rest.size() < body) {
      std::string more(body - rest.size(), '\0');
      asio::read(client, asio::buffer(more), ec);
      rest += more;
    }
    request += rest;
    tcp::socket server(ioc);
    server.connect({asio::ip::make_address("127.0.0.1"), upstream}, ec);
    if (ec) return;
    asio::write(server, asio::buffer(request), ec);
    std::vector<char> buf(8192);
    for (;;) {
      auto n = server.read_some(asio::buffer(buf), ec);
      if (n) asio::write(client, asio::buffer(buf.data(), n), ec);
      if (ec) break;
    }
  }
};

strip_proxy::strip_proxy(std::uint16_t upstream_port) : impl_(std::make_unique<impl>()) {
  impl_->upstream = upstream_port;
  impl_->thread = std::thread([this] {
    while (!impl_->stopping) {
      boost::system::error_code ec;
      tcp::socket client(impl_->ioc);
      impl_->acceptor.accept(client, ec);
      if (ec || impl_->stopping) return;
      impl_->serve_one(std::move(client));  // one at a time: enough for a probe
    }
  });
}

strip_proxy::~strip_proxy() {
  impl_->stopping = true;
  // A blocking accept() is not woken by close() from another thread: wake it with a connection.
  boost::system::error_code ec;
  tcp::socket poke(impl_->ioc);
  poke.connect({asio::ip::make_address("127.0.0.1"), port()}, ec);
  impl_->thread.join();
  impl_->acceptor.close(ec);
}

std::uint16_t strip_proxy::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace voxgate::fakes
