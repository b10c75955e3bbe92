// The capacity bench's AI: a lean OpenAI Realtime peer on 127.0.0.1 that echoes the caller's audio.
// On /v1/realtime it speaks the GA protocol as far as a gateway needs for audio (session.created,
// session.updated, and each input_audio_buffer.append answered by a response.output_audio.delta
// with the same audio). On /raw it echoes back every message holding "event":"media" verbatim,
// which is what the bare relay (the floor) needs. A POST gets TwiML naming /raw, so `voxgate load`
// can call it directly (the load tool's own capacity, with no gateway in between). One thread; no recording, so memory
// stays flat.
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/ws_session.hpp"
#include "tools/sim/realtime_echo.hpp"

namespace {

using namespace voxgate::bench;
namespace realtime_echo = voxgate::sim::realtime_echo;

bool mute = false;  // --mute: take the caller's audio and answer none of it

void open_session(tcp::socket socket, beast::http::request<beast::http::string_body> request) {
  if (!websocket::is_upgrade(request)) return answer_with_twiml(std::move(socket), request, "/raw");
  bool raw = request.target().starts_with("/raw");
  auto session = std::make_shared<ws_session>(std::move(socket));
  session->stream().async_accept(request, [session, raw](beast::error_code ec) {
    if (ec) return;
    std::weak_ptr<ws_session> weak = session;
    session->start(
        [weak, raw](std::string&& text) {
          auto s = weak.lock();
          if (!s) return;
          if (raw) {
            if (text.find(R"("event":"media")") != std::string::npos) s->send(std::move(text));
            return;
          }
          if (std::string delta; !mute && realtime_echo::append_echo(text, delta))
            s->send(std::move(delta));
          else if (realtime_echo::field(text, "type") == "session.update")
            s->send(std::string(realtime_echo::session_updated));
        },
        [session] {});  // keeps the session alive until its socket ends
    if (!raw) session->send(std::string(realtime_echo::session_created));
  });
}

}  // namespace

int main(int argc, char** argv) {
  mute = argc == 3 && std::string(argv[2]) == "--mute";
  if (argc < 2 || argc > 3 || (argc == 3 && !mute) || std::string(argv[1]) == "--help") {
    std::cerr << "usage: echo_ai PORT [--mute]\n  serves ws://127.0.0.1:PORT/v1/realtime (OpenAI echo) and /raw (media "
                 "echo);\n  a POST gets TwiML naming /raw; --mute answers no audio (the caller's direction alone)\n";
    return 2;
  }
  boost::asio::io_context io{1};
  serve(io, static_cast<std::uint16_t>(std::atoi(argv[1])), open_session);
  std::cout << "echo_ai listening on 127.0.0.1:" << argv[1] << std::endl;
  io.run();
}
