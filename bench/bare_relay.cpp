// The capacity bench's floor: the least a phone-to-AI bridge can do, in Beast alone. It answers any
// POST with TwiML naming its media socket, accepts that socket, opens one WebSocket to the AI per
// call, and copies every message across in both directions: no JSON parsing, no actors, no
// transcoding, no playout clock. What the gateway costs beyond this is the price of its features.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/ws_session.hpp"

namespace {

using namespace voxgate::bench;
namespace http = beast::http;

boost::asio::io_context* io_context = nullptr;
tcp::endpoint ai_endpoint;

void relay_call(tcp::socket socket, const http::request<http::string_body>& request) {
  auto provider = std::make_shared<ws_session>(std::move(socket));
  auto ai = std::make_shared<ws_session>(tcp::socket(*io_context));
  provider->stream().async_accept(request, [provider, ai](beast::error_code ec) {
    if (ec) return;
    // Until the AI socket is up, its session queues what the provider sends.
    provider->start([ai](std::string&& text) { ai->send(std::move(text)); }, [provider, ai] { ai->close(); });
    beast::get_lowest_layer(ai->stream()).async_connect(ai_endpoint, [provider, ai](beast::error_code ec) {
      if (ec) return provider->close();
      beast::get_lowest_layer(ai->stream()).socket().set_option(tcp::no_delay(true), ec);
      ai->stream().async_handshake("127.0.0.1", "/raw", [provider, ai](beast::error_code ec) {
        if (ec) return provider->close();
        ai->start([provider](std::string&& text) { provider->send(std::move(text)); },
                  [provider] { provider->close(); });
      });
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) == "--help") {
    std::cerr << "usage: bare_relay PORT AI_PORT\n  answers POSTs with TwiML, relays ws://127.0.0.1:PORT/media to "
                 "ws://127.0.0.1:AI_PORT/raw\n";
    return 2;
  }
  boost::asio::io_context io{1};
  io_context = &io;
  ai_endpoint =
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(std::atoi(argv[2])));
  serve(io, static_cast<std::uint16_t>(std::atoi(argv[1])),
        [](tcp::socket socket, http::request<http::string_body> req) {
          if (websocket::is_upgrade(req))
            relay_call(std::move(socket), req);
          else
            answer_with_twiml(std::move(socket), req, "/media");
        });
  std::cout << "bare_relay listening on 127.0.0.1:" << argv[1] << std::endl;
  io.run();
}
