// Binary frames on the transport, over 127.0.0.1: a sink that takes them (a provider streaming raw
// audio) gets them byte for byte, and send_binary leaves as a binary frame; a sink that does not take
// them never sees one.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_client.hpp"

using namespace voxgate;
using namespace std::chrono_literals;

namespace {

struct received {
  bool binary;
  std::string bytes;
  bool operator==(const received&) const = default;
};

// Records every frame with its kind; `echo` (if set) answers each binary frame with the same bytes.
class recording_sink final : public net::ws_sink {
 public:
  explicit recording_sink(bool takes_binary) : takes_binary_(takes_binary) {}
  void on_text(std::string&& frame) override { add({false, std::move(frame)}); }
  bool takes_binary() const override { return takes_binary_; }
  void on_binary(std::string&& frame) override {
    if (auto channel = echo.lock()) channel->send_binary(frame);
    add({true, std::move(frame)});
  }
  void on_closed(std::string) override {}

  std::vector<received> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return frames_.size() >= n; });
    return frames_;
  }

  std::weak_ptr<net::ws_channel> echo;  // weak: the channel owns this sink

 private:
  void add(received r) {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(r));
    changed_.notify_all();
  }
  bool takes_binary_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<received> frames_;
};

// A server on 127.0.0.1 whose socket at /ws reads into `sink`.
struct server_side {
  server_side(net::io_runtime& io, std::shared_ptr<recording_sink> sink) : server(io, {"127.0.0.1", 0}) {
    server.route_ws("/ws", [sink](const net::http_request&) {
      net::upgrade_decision d;
      d.accept = true;
      d.handshake_mode = false;
      d.sink = sink;
      d.on_open = [sink](net::ws_channel_ptr c) { sink->echo = c; };
      return d;
    });
  }
  net::http_server server;
};

net::ws_channel_ptr connect(net::io_runtime& io, std::uint16_t port, std::shared_ptr<net::ws_sink> sink) {
  std::promise<net::ws_channel_ptr> opened;
  net::ws_connect(io, {.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws", .headers = {}, .tls = {}},
                  std::move(sink), [&](net::ws_channel_ptr c, std::string) { opened.set_value(c); });
  return opened.get_future().get();
}

// Audio that is not valid UTF-8: a text frame could not carry it.
const std::string audio("\xff\x00\x80\x7f\xfe", 5);

}  // namespace

TEST(BinaryFrames, ReachASinkThatTakesThemByteForByteAndGoBackAsBinary) {
  net::io_runtime io(1);
  auto server_sink = std::make_shared<recording_sink>(true);
  server_side side(io, server_sink);
  ASSERT_EQ(side.server.start(), "");
  io.start();
  auto client_sink = std::make_shared<recording_sink>(true);
  auto client = connect(io, side.server.port(), client_sink);
  ASSERT_TRUE(client);
  client->send_text("{\"event\":\"websocket:connected\"}");
  client->send_binary(audio);
  auto at_server = server_sink->wait_for(2);
  ASSERT_EQ(at_server.size(), 2u);
  EXPECT_EQ(at_server[0], (received{false, "{\"event\":\"websocket:connected\"}"}));
  EXPECT_EQ(at_server[1], (received{true, audio}));
  // The server's echo went out with send_binary: the client reads a binary frame, the same bytes.
  auto at_client = client_sink->wait_for(1);
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0], (received{true, audio}));
  io.stop();
}

TEST(BinaryFrames, AreRefusedAndCountedForASinkThatDoesNotTakeThem) {
  net::io_runtime io(1);
  auto server_sink = std::make_shared<recording_sink>(false);
  server_side side(io, server_sink);
  ASSERT_EQ(side.server.start(), "");
  io.start();
  auto client = connect(io, side.server.port(), std::make_shared<recording_sink>(false));
  ASSERT_TRUE(client);
  client->send_binary(audio);
  client->send_text("after");  // the connection goes on
  auto at_server = server_sink->wait_for(1);
  ASSERT_EQ(at_server.size(), 1u);
  EXPECT_EQ(at_server[0], (received{false, "after"}));
  auto server_channel = server_sink->echo.lock();
  ASSERT_TRUE(server_channel);
  EXPECT_EQ(server_channel->stats().refused_binary, 1u);
  io.stop();
}
