#include "tests/fakes/raw_ws.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "net/ws_frame.hpp"

namespace voxgate::fakes {

namespace asio = boost::asio;

struct raw_ws::impl {
  asio::io_context ioc;
  asio::ip::tcp::socket socket{ioc};
};

raw_ws::raw_ws() : impl_(std::make_unique<impl>()) {}
raw_ws::~raw_ws() = default;

int raw_ws::connect(const std::string& host, std::uint16_t port, const std::string& path,
                    const net::header_list& headers) {
  asio::ip::tcp::resolver resolver(impl_->ioc);
  asio::connect(impl_->socket, resolver.resolve(host, std::to_string(port)));
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  asio::write(impl_->socket, asio::buffer(req));
  asio::streambuf response;
  asio::read_until(impl_->socket, response, "\r\n\r\n");
  std::string status_line;
  std::istream in(&response);
  std::getline(in, status_line);
  return std::stoi(status_line.substr(9, 3));
}

void raw_ws::send_frame(std::uint8_t opcode, const std::string& payload) {
  std::string frame;  // any opcode, even one the protocol does not know: the peer's refusal is the test
  net::ws::append_client_frame(frame, static_cast<net::ws::opcode>(opcode), payload, 0x12345678u);
  asio::write(impl_->socket, asio::buffer(frame));
}

}  // namespace voxgate::fakes
