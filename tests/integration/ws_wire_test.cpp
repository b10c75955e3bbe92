// Our WebSocket framing (net/ws_connection.hpp) against Beast's, an implementation we did not write,
// over 127.0.0.1 in both roles: messages both ways, fragments, pings, both close handshakes, the
// codes a peer that breaks the protocol gets, frames that come with the handshake's answer, and a
// send larger than the socket takes at once.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <random>
#include <thread>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_client.hpp"
#include "net/ws_frame.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tests/fakes/loop_staller.hpp"

using namespace voxgate;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

// Keeps every frame (binary ones as "bin:" + bytes) and answers each text frame with "echo:" + it.
class echo_sink final : public net::ws_sink {
 public:
  explicit echo_sink(std::shared_ptr<fakes::frame_queue> frames) : frames_(std::move(frames)) {}
  void on_text(std::string&& frame) override {
    frames_->push(frame);
    if (auto ch = channel.lock()) ch->send_text("echo:" + frame);
  }
  bool takes_binary() const override { return true; }
  void on_binary(std::string&& frame) override { frames_->push("bin:" + frame); }
  void on_closed(std::string reason) override { frames_->close(std::move(reason)); }
  std::weak_ptr<net::ws_channel> channel;

 private:
  std::shared_ptr<fakes::frame_queue> frames_;
};

// Our server on /ws: its connection's frames in `frames`, the channel through `opened`. In handshake
// mode the connection delivers one frame, then waits.
struct our_server {
  net::io_runtime io{1};
  net::http_server server{io, {"127.0.0.1", 0}};
  std::shared_ptr<fakes::frame_queue> frames = std::make_shared<fakes::frame_queue>();
  std::promise<net::ws_channel_ptr> opened;

  explicit our_server(bool handshake_mode = false) {
    server.route_ws("/ws", [this, handshake_mode](const net::http_request&) {
      net::upgrade_decision d;
      d.accept = true;
      d.handshake_mode = handshake_mode;
      auto sink = std::make_shared<echo_sink>(frames);
      d.sink = sink;
      d.on_open = [this, sink](net::ws_channel_ptr c) {
        sink->channel = c;
        opened.set_value(c);
      };
      return d;
    });
    EXPECT_EQ(server.start(), "");
    io.start();
  }
};

// A Beast client connected to `port`, with a receive buffer of `rcvbuf` bytes if given.
websocket::stream<tcp::socket> beast_client(boost::asio::io_context& ioc, std::uint16_t port, int rcvbuf = 0) {
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().open(tcp::v4());
  if (rcvbuf) ws.next_layer().set_option(boost::asio::socket_base::receive_buffer_size(rcvbuf));
  ws.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
  ws.handshake("127.0.0.1", "/ws");
  return ws;
}

std::string read_text(websocket::stream<tcp::socket>& ws) {
  beast::flat_buffer buffer;
  ws.read(buffer);
  return beast::buffers_to_string(buffer.data());
}

}  // namespace

TEST(WsWire, OurServerTalksWithBeastsClientAndAnswersItsClose) {
  our_server ours;
  boost::asio::io_context ioc;
  auto ws = beast_client(ioc, ours.server.port());
  ws.text(true);
  ws.write(boost::asio::buffer(std::string("hello")));
  EXPECT_EQ(read_text(ws), "echo:hello");

  // A message Beast cuts into 1 KiB frames, reassembled; a binary one; a ping answered with its payload.
  ws.auto_fragment(true);
  ws.write_buffer_bytes(1024);
  std::string long_text(20000, 'L');
  ws.write(boost::asio::buffer(long_text));
  EXPECT_EQ(read_text(ws), "echo:" + long_text);
  ws.binary(true);
  ws.write(boost::asio::buffer(std::string("\x00\xff\x7f", 3)));
  EXPECT_TRUE(ours.frames->wait_for([](const std::string& f) { return f == std::string("bin:\x00\xff\x7f", 7); }, 5s));
  std::string pong;
  ws.control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::pong) pong = std::string(payload);
  });
  ws.ping("are you there");
  ws.text(true);
  ws.write(boost::asio::buffer(std::string("after the ping")));
  EXPECT_EQ(read_text(ws), "echo:after the ping");  // the pong came before it, in order
  EXPECT_EQ(pong, "are you there");

  // Beast closes: our server answers with the same code, so Beast's close completes cleanly.
  beast::error_code ec;
  ws.close(websocket::close_reason(websocket::close_code::going_away), ec);
  EXPECT_FALSE(ec) << ec.message();
  ASSERT_TRUE(ours.frames->wait_closed(5s));
  EXPECT_EQ(ours.frames->close_reason(), "closed by peer");
}

// Frames that arrive in pieces cut anywhere (a byte, a header without its payload, two frames and a
// half), with pauses between: the reads that empty the socket end at every kind of boundary, and
// each is followed by the loop's wait for more (net/ready_watch.hpp). Every frame is read, and
// answered, in order.
TEST(WsWire, FramesArrivingInPiecesCutAnywhereAreAllReadInOrder) {
  our_server ours;
  boost::asio::io_context ioc;
  auto ws = beast_client(ioc, ours.server.port());
  constexpr int count = 400;
  std::string bytes;
  for (int i = 0; i < count; ++i) {
    // Sizes around the 125 and 65535 bounds of the length's encodings, and past the 4 KiB read buffer.
    std::size_t size = (i % 7 == 0) ? 5000 + i : (i % 5 == 0) ? 126 : 20 + i % 200;
    std::string payload = std::to_string(i) + ":" + std::string(size, static_cast<char>('a' + i % 26));
    net::ws::append_client_frame(bytes, net::ws::opcode::text, payload, 0x9e3779b9u * static_cast<std::uint32_t>(i + 1));
  }
  std::thread writer([&] {
    std::minstd_rand random(7);
    for (std::size_t at = 0; at < bytes.size();) {
      std::size_t piece = std::min<std::size_t>(bytes.size() - at, 1 + random() % 700);
      boost::asio::write(ws.next_layer(), boost::asio::buffer(bytes.data() + at, piece));
      at += piece;
      if (random() % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
    }
  });
  // A frame left unread in our socket would hang the reads below: past 20 s the client's socket is
  // shut, so that they fail instead.
  std::promise<void> read_all;
  std::thread watchdog([&, done = read_all.get_future()] {
    if (done.wait_for(20s) == std::future_status::timeout) ::shutdown(ws.next_layer().native_handle(), SHUT_RDWR);
  });
  int echoed = 0;
  try {
    for (; echoed < count; ++echoed) {
      auto echo = read_text(ws);
      if (echo.substr(0, echo.find(':', 5)) != "echo:" + std::to_string(echoed)) {
        ADD_FAILURE() << "echo " << echoed << " is " << echo.substr(0, 20);
        break;
      }
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "after " << echoed << " of " << count << " echoes: " << e.what();
  }
  read_all.set_value();
  watchdog.join();
  writer.join();
  EXPECT_EQ(ours.frames->snapshot().size(), static_cast<std::size_t>(count));
}

// A peer that ends the TCP connection right behind its last frame, with no close frame: a FIN, or a
// reset. With our worker busy, both are in the socket when it reads, and the read stops in front of
// the end, reporting only the frame; the end must still be found (net/ready_watch.hpp), soon.
TEST(WsWire, OurServerFindsAPeersEndThatCameWithItsLastFrame) {
  for (bool reset : {false, true}) {
    SCOPED_TRACE(reset ? "reset" : "FIN");
    our_server ours;
    boost::asio::io_context ioc;
    auto ws = beast_client(ioc, ours.server.port());
    ws.text(true);
    ws.write(boost::asio::buffer(std::string("hello")));
    EXPECT_EQ(read_text(ws), "echo:hello");  // the connection is up and waiting for more

    fakes::loop_staller stall(ours.io, 1);  // what we send now is read together
    stall.start(0);
    std::string last;
    // Binary, which the sink keeps without answering: an answer would meet the reset and end it so.
    net::ws::append_client_frame(last, net::ws::opcode::binary, "last words", 0x5eed1234u);
    boost::asio::write(ws.next_layer(), boost::asio::buffer(last));
    if (reset) {
      ws.next_layer().set_option(boost::asio::socket_base::linger(true, 0));
      ws.next_layer().close();
    } else {
      ws.next_layer().shutdown(tcp::socket::shutdown_send);
    }
    EXPECT_TRUE(ours.frames->wait_for([](const std::string& f) { return f == "bin:last words"; }, 5s));
    // Well within the server's idle timeout (30 s), which would find a vanished peer too.
    ASSERT_TRUE(ours.frames->wait_closed(4s)) << "the peer's end was not found";
    EXPECT_EQ(ours.frames->close_reason(), "connection lost");
  }
}

// The same for our client (no idle timeout by default: without the look at a silent socket it would
// wait for ever): the server sends a frame and ends the TCP connection behind it.
TEST(WsWire, OurClientFindsAServersEndThatCameWithItsLastFrame) {
  boost::asio::io_context accept_context;
  tcp::acceptor acceptor(accept_context, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = acceptor.local_endpoint().port();
  net::io_runtime io(1);
  io.start();
  std::promise<void> go;
  std::thread server([&] {
    websocket::stream<tcp::socket> ws(acceptor.accept());
    ws.accept();
    ws.text(true);
    ws.write(boost::asio::buffer(std::string("first")));
    go.get_future().wait();  // our worker is busy now
    ws.write(boost::asio::buffer(std::string("last")));
    ws.next_layer().shutdown(tcp::socket::shutdown_send);
    beast::error_code ignored;
    beast::flat_buffer rest;
    ws.read(rest, ignored);  // until our side ends too
  });
  auto frames = std::make_shared<fakes::frame_queue>();
  std::promise<net::ws_channel_ptr> opened;
  net::ws_connect(io, {.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws", .headers = {}, .tls = {}},
                  std::make_shared<fakes::queue_sink>(frames),
                  [&](net::ws_channel_ptr c, std::string) { opened.set_value(c); });
  auto client = opened.get_future().get();
  ASSERT_TRUE(client);
  ASSERT_TRUE(frames->wait_for([](const std::string& f) { return f == "first"; }, 5s));
  fakes::loop_staller stall(io, 1);  // what the server sends now is read together
  stall.start(0);
  go.set_value();
  EXPECT_TRUE(frames->wait_for([](const std::string& f) { return f == "last"; }, 5s));
  EXPECT_TRUE(frames->wait_closed(4s)) << "the server's end was not found";
  client->close("done");
  server.join();
}

TEST(WsWire, OurServerClosesFirstAndBeastAnswers) {
  our_server ours;
  boost::asio::io_context ioc;
  auto ws = beast_client(ioc, ours.server.port());
  auto channel = ours.opened.get_future().get();
  channel->send_text("last words");
  channel->close("done here");
  EXPECT_EQ(read_text(ws), "last words");  // what was queued goes before the close frame
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);  // Beast answers our close frame, then sees the TCP connection end
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
  ASSERT_TRUE(ours.frames->wait_closed(5s));
  EXPECT_EQ(ours.frames->close_reason(), "done here");
}

TEST(WsWire, APeerThatBreaksTheProtocolGetsTheCodeThatSaysWhy) {
  struct violation {
    std::string payload;
    bool text;
    websocket::close_code code;
    std::string reason;
  };
  for (const auto& v : {violation{"\xc0\xaf", true, websocket::close_code::bad_payload, "not UTF-8"},
                        violation{std::string(70 * 1024, 'x'), false, websocket::close_code::too_big, "size limit"}}) {
    our_server ours;
    boost::asio::io_context ioc;
    auto ws = beast_client(ioc, ours.server.port());
    ws.text(v.text);
    ws.write(boost::asio::buffer(v.payload));
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    EXPECT_EQ(ws.reason().code, v.code);
    ASSERT_TRUE(ours.frames->wait_closed(5s));
    EXPECT_NE(ours.frames->close_reason().find(v.reason), std::string::npos) << ours.frames->close_reason();
    EXPECT_TRUE(ours.frames->snapshot().empty());  // nothing of it reached the sink
  }
}

TEST(WsWire, ACloseFrameWithAnInvalidCodeIsAProtocolError) {
  for (std::string payload : {std::string("\x03"), std::string("\x03\xee"), std::string("\x03\xe8\xc0\xaf")}) {
    our_server ours;  // a one-byte payload; code 1006, which no endpoint may send; a reason not UTF-8
    boost::asio::io_context ioc;
    auto ws = beast_client(ioc, ours.server.port());
    std::string frame;
    net::ws::append_client_frame(frame, net::ws::opcode::close, payload, 0x5a5a5a5au);
    boost::asio::write(ws.next_layer(), boost::asio::buffer(frame));  // under Beast, which would not send it
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    auto expected = payload.size() == 4 ? websocket::close_code::bad_payload : websocket::close_code::protocol_error;
    EXPECT_EQ(ws.reason().code, expected);
    ASSERT_TRUE(ours.frames->wait_closed(5s));
  }
}

// A socket still in handshake mode (paused after its first frame) that we close reads the peer's
// answer, so the close ends at once rather than when the close timeout (2 s) cuts it.
TEST(WsWire, ClosingASocketPausedInHandshakeModeReadsThePeersAnswer) {
  our_server ours(true);
  boost::asio::io_context ioc;
  auto ws = beast_client(ioc, ours.server.port());
  auto channel = ours.opened.get_future().get();
  ws.text(true);
  ws.write(boost::asio::buffer(std::string("start")));
  ASSERT_TRUE(ours.frames->wait_for([](const std::string& f) { return f == "start"; }, 5s));
  channel->close("refused");
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);  // "echo:start" was never sent: the echo came after the pause; then our close
  if (!ec) ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_TRUE(ours.frames->wait_closed(1500ms));
  EXPECT_EQ(ours.frames->close_reason(), "refused");
}

TEST(WsWire, ASendLargerThanTheSocketTakesLeavesWholeAndInOrder) {
  our_server ours;
  boost::asio::io_context ioc;
  auto ws = beast_client(ioc, ours.server.port(), 4096);  // a small window: the sends fill the socket
  auto channel = ours.opened.get_future().get();
  for (int i = 0; i < 24; ++i) channel->send_text(std::string(30 * 1024, static_cast<char>('a' + i)));
  std::this_thread::sleep_for(100ms);  // the socket full, the rest waits in an asynchronous write
  for (int i = 0; i < 24; ++i) {
    auto frame = read_text(ws);
    ASSERT_EQ(frame, std::string(30 * 1024, static_cast<char>('a' + i))) << i;
  }
  auto stats = channel->stats();
  EXPECT_EQ(stats.frames_out, 24u);
  EXPECT_EQ(stats.dropped_out, 0u);
}

TEST(WsWire, OurClientTalksWithBeastsServerAndTakesFramesSentWithTheHandshake) {
  boost::asio::io_context accept_context;
  tcp::acceptor acceptor(accept_context, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = acceptor.local_endpoint().port();
  std::promise<std::string> server_result;
  std::thread server([&] {
    try {
      websocket::stream<tcp::socket> ws(acceptor.accept());
      ws.accept();
      ws.text(true);
      ws.write(boost::asio::buffer(std::string("first")));  // right behind the 101, likely in the same read
      auto heard = read_text(ws);  // our client's frame, masked as a client must (Beast refuses it otherwise)
      ws.write(boost::asio::buffer("echo:" + heard));
      ws.close(websocket::close_reason(websocket::close_code::going_away));  // waits for our answer
      server_result.set_value("ok");
    } catch (const std::exception& e) {
      server_result.set_value(e.what());
    }
  });
  net::io_runtime io(1);
  io.start();
  auto frames = std::make_shared<fakes::frame_queue>();
  std::promise<net::ws_channel_ptr> opened;
  net::ws_connect(io, {.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws", .headers = {}, .tls = {}},
                  std::make_shared<fakes::queue_sink>(frames),
                  [&](net::ws_channel_ptr c, std::string why) {
                    EXPECT_EQ(why, "");
                    opened.set_value(c);
                  });
  auto client = opened.get_future().get();
  ASSERT_TRUE(client);
  EXPECT_TRUE(frames->wait_for([](const std::string& f) { return f == "first"; }, 5s));
  client->send_text(std::string(300, 'm'));
  EXPECT_TRUE(frames->wait_for([](const std::string& f) { return f == "echo:" + std::string(300, 'm'); }, 5s));
  ASSERT_TRUE(frames->wait_closed(5s));
  EXPECT_EQ(frames->close_reason(), "closed by peer");
  server.join();
  EXPECT_EQ(server_result.get_future().get(), "ok");
}

TEST(WsWire, OurClientRefusesAServerThatDoesNotSwitchProtocols) {
  boost::asio::io_context accept_context;
  tcp::acceptor acceptor(accept_context, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = acceptor.local_endpoint().port();
  std::thread server([&] {
    auto socket = acceptor.accept();
    beast::flat_buffer buffer;
    beast::http::request<beast::http::empty_body> req;
    beast::http::read(socket, buffer, req);
    std::string refusal = "HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope";
    boost::asio::write(socket, boost::asio::buffer(refusal));
  });
  net::io_runtime io(1);
  io.start();
  std::promise<std::string> result;
  net::ws_connect(io, {.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws", .headers = {}, .tls = {}},
                  std::make_shared<fakes::queue_sink>(std::make_shared<fakes::frame_queue>()),
                  [&](net::ws_channel_ptr c, std::string why) { result.set_value(c ? "connected" : why); });
  auto why = result.get_future().get();
  server.join();
  EXPECT_NE(why.find("answered 403 instead of switching protocols"), std::string::npos) << why;
}
