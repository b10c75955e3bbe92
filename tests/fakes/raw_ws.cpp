#include "tests/fakes/raw_ws.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

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
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | opcode));      // FIN
  const std::uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};  // clients must mask
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
    frame.push_back(static_cast<char>(payload.size() & 0xFF));
  }
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  asio::write(impl_->socket, asio::buffer(frame));
}

}  // namespace voxgate::fakes
