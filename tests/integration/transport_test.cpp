// The transports on their own, over 127.0.0.1: the server's router and limits, and the WS client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>
#include <thread>

#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_client.hpp"
#include "net/ws_frame.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tests/fakes/http_peer.hpp"

using namespace voxgate;
using namespace std::chrono_literals;

namespace {

// A client WebSocket to ws://127.0.0.1:port/ws whose frames go to `frames`; nullptr if it failed.
net::ws_channel_ptr connect_ws(net::io_runtime& io, std::uint16_t port, std::shared_ptr<fakes::frame_queue> frames,
                               std::chrono::milliseconds idle_timeout = {}) {
  std::promise<net::ws_channel_ptr> opened;
  net::ws_connect(io,
                  {.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws", .headers = {}, .tls = {},
                   .idle_timeout = idle_timeout},
                  std::make_shared<fakes::queue_sink>(std::move(frames)),
                  [&](net::ws_channel_ptr c, std::string) { opened.set_value(c); });
  return opened.get_future().get();
}

}  // namespace

TEST(Transport, RouterAnswers404And405AndBoundsTheBody) {
  fakes::http_peer peer;
  peer.on("POST", "/echo", [](const net::http_request& r) { return net::http_response::text(200, r.body); });
  ASSERT_EQ(peer.start(), "");
  net::io_runtime io(1);
  io.start();
  net::http_client_request r;
  r.url = peer.base_url() + "/nowhere";
  EXPECT_EQ(fakes::fetch_sync(io, r).status, 404u);
  r.url = peer.base_url() + "/echo";
  EXPECT_EQ(fakes::fetch_sync(io, r).status, 405u);
  r.method = "POST";
  r.body = "hello";
  auto ok = fakes::fetch_sync(io, r);
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "hello");
  r.body = std::string(100 * 1024, 'x');  // over the 64 KiB body limit
  EXPECT_EQ(fakes::fetch_sync(io, r).status, 413u);
}

TEST(Transport, WsClientReachesAServerAndBothSeeTheClose) {
  net::io_runtime io(1);
  net::http_server server(io, {"127.0.0.1", 0});
  auto server_frames = std::make_shared<fakes::frame_queue>();
  std::shared_ptr<net::ws_channel_ptr> server_side = std::make_shared<net::ws_channel_ptr>();
  server.route_ws("/ws", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    d.sink = std::make_shared<fakes::queue_sink>(server_frames, [server_side](const std::string& f) {
      if (*server_side) (*server_side)->send_text("echo:" + f);
    });
    d.on_open = [server_side](net::ws_channel_ptr c) { *server_side = c; };
    return d;
  });
  ASSERT_EQ(server.start(), "");
  io.start();
  auto client_frames = std::make_shared<fakes::frame_queue>();
  auto client = connect_ws(io, server.port(), client_frames);
  ASSERT_TRUE(client);
  client->send_text("hi");
  EXPECT_TRUE(client_frames->wait_for([](const std::string& f) { return f == "echo:hi"; }, 5s));
  client->close("done");
  EXPECT_TRUE(server_frames->wait_closed(5s));
  EXPECT_TRUE(client_frames->wait_closed(5s));
  server_side->reset();  // the sink's lambda holds this holder: break the cycle so the connection is freed
  server.stop();
  io.stop();
}

TEST(Transport, WsClientReportsARefusedConnection) {
  net::io_runtime io(1);
  io.start();
  std::promise<std::string> result;
  net::ws_connect(io, {.url = "ws://127.0.0.1:1/x", .headers = {}, .tls = {}},
                  std::make_shared<fakes::queue_sink>(std::make_shared<fakes::frame_queue>()),
                  [&](net::ws_channel_ptr c, std::string e) { result.set_value(c ? "" : e); });
  auto error = result.get_future().get();
  EXPECT_NE(error.find("connect"), std::string::npos) << error;
}

TEST(Transport, TlsIsVerifiedOnOutboundConnections) {
  // A plain TCP listener that is not a TLS server: the handshake must fail, never fall back to plain.
  fakes::http_peer plain;
  plain.on("GET", "/", [](const net::http_request&) { return net::http_response::text(200, "plain"); });
  ASSERT_EQ(plain.start(), "");
  net::io_runtime io(1);
  io.start();
  auto https = "https://" + plain.base_url().substr(7) + "/";
  net::http_client_request r;
  r.url = https;
  auto res = fakes::fetch_sync(io, r);
  EXPECT_EQ(res.status, 0u);
  EXPECT_NE(res.error.find("TLS handshake"), std::string::npos) << res.error;
}

// ---- a request sent again (a provider hangup) ----

namespace {

// What a request's on_retry saw: the failed answers' statuses (0: no answer) and the waits.
struct retry_log {
  std::mutex m;
  std::vector<unsigned> statuses;
  std::vector<std::chrono::milliseconds> waits;

  void attach(net::http_client_request& r) {
    r.on_retry = [this](const net::http_client_response& failed, std::chrono::milliseconds wait) {
      std::lock_guard lock(m);
      statuses.push_back(failed.status);
      waits.push_back(wait);
    };
  }
};

}  // namespace

TEST(Transport, AnIdempotentRequestIsSentAgainAfterAFailureUntilAnswered) {
  fakes::http_peer peer;
  std::atomic<int> seen{0};
  peer.on("POST", "/hangup", [&](const net::http_request&) {
    return ++seen <= 2 ? net::http_response::text(503, "busy") : net::http_response::text(200, "done");
  });
  ASSERT_EQ(peer.start(), "");
  net::io_runtime io(1);
  io.start();
  net::http_client_request r;
  r.method = "POST";
  r.url = peer.base_url() + "/hangup";
  r.body = R"({"command_id":"voxgate-hangup-v3:abc"})";
  r.retries = 3;
  r.retry_wait = 20ms;
  retry_log log;
  log.attach(r);

  std::promise<net::http_client_response> answered;
  net::http_fetch(io, r, [&](net::http_client_response a) { answered.set_value(std::move(a)); });
  EXPECT_EQ(net::http_requests_in_flight(), 1u) << "one request, whatever its tries";
  auto res = answered.get_future().get();
  EXPECT_EQ(res.status, 200u) << res.error;
  EXPECT_EQ(res.body, "done");
  auto requests = peer.requests();
  ASSERT_EQ(requests.size(), 3u) << "two 503s, then the answer; no fourth try";
  for (const auto& q : requests) EXPECT_EQ(q.body, r.body) << "every try is the same command";
  EXPECT_EQ(log.statuses, (std::vector<unsigned>{503, 503}));
  EXPECT_EQ(log.waits, (std::vector<std::chrono::milliseconds>{20ms, 40ms})) << "the wait doubles";
  // Counted in flight from the first try to the callback (a stop waits for it), then no more.
  for (int i = 0; i < 100 && net::http_requests_in_flight() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(net::http_requests_in_flight(), 0u);
}

TEST(Transport, OnlyAnExchangeTheServerMayNotHaveActedOnIsSentAgain) {
  fakes::http_peer peer;
  peer.on("POST", "/bad", [](const net::http_request&) { return net::http_response::text(400, "bad request"); });
  peer.on("POST", "/gone", [](const net::http_request&) { return net::http_response::text(404, "no such call"); });
  peer.on("POST", "/busy", [](const net::http_request&) { return net::http_response::text(503, "busy"); });
  ASSERT_EQ(peer.start(), "");
  net::io_runtime io(1);
  io.start();
  retry_log log;
  for (const char* path : {"/bad", "/gone"}) {
    net::http_client_request r;
    r.method = "POST";
    r.url = peer.base_url() + path;
    r.retries = 3;
    r.retry_wait = 10ms;
    log.attach(r);
    EXPECT_EQ(fakes::fetch_sync(io, r).status, path == std::string("/bad") ? 400u : 404u);
  }
  net::http_client_request once;  // a 503 without retries: the answer as it came
  once.method = "POST";
  once.url = peer.base_url() + "/busy";
  log.attach(once);
  EXPECT_EQ(fakes::fetch_sync(io, once).status, 503u);
  EXPECT_EQ(peer.requests().size(), 3u) << "each request went once";
  EXPECT_TRUE(log.statuses.empty());
}

TEST(Transport, ARequestThatReachesNoServerIsTriedOnceMorePerRetryThenFails) {
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);  // a port nobody listens on
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(probe);
  net::io_runtime io(1);
  io.start();
  net::http_client_request r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/hangup";
  r.retries = 2;
  r.retry_wait = 10ms;
  retry_log log;
  log.attach(r);

  auto res = fakes::fetch_sync(io, r);
  EXPECT_EQ(res.status, 0u);
  EXPECT_NE(res.error.find("connect"), std::string::npos) << res.error;
  EXPECT_EQ(log.statuses, (std::vector<unsigned>{0, 0})) << "three tries in all";
  EXPECT_EQ(log.waits, (std::vector<std::chrono::milliseconds>{10ms, 20ms}));
}

namespace {

// A task for io_runtime::post: sends the mark it carries.
void send_mark(void*, void* arg) {
  std::unique_ptr<std::pair<net::ws_channel_ptr, std::string>> mark(
      static_cast<std::pair<net::ws_channel_ptr, std::string>*>(arg));
  mark->first->send_text(mark->second);
}

}  // namespace

// What one turn of the loop queues for a socket leaves in one send (a `media` and its `mark`, from one
// handler or from two of the same turn), in order, whole; frames queued from another thread, and
// more than one send's worth, arrive too.
TEST(Transport, FramesQueuedInOneTurnLeaveInOneSend) {
  net::io_runtime io(1);
  net::http_server server(io, {"127.0.0.1", 0});
  auto server_side = std::make_shared<net::ws_channel_ptr>();
  server.route_ws("/ws", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    // On the socket's own thread: two frames for each one received, as the call's pump queues them;
    // "burst" queues a hundred frames of 3 KB at once.
    d.sink = std::make_shared<fakes::queue_sink>(std::make_shared<fakes::frame_queue>(),
                                                 [server_side, &io](const std::string& f) {
                                                   auto& channel = **server_side;
                                                   if (f == "burst") {
                                                     for (int i = 0; i < 100; ++i)
                                                       channel.send_text(std::to_string(i) + std::string(3000, 'x'));
                                                     return;
                                                   }
                                                   // "t...": the mark from another handler of the same
                                                   // turn, one already queued on the loop.
                                                   if (f[0] == 't') {
                                                     io.post(0, &send_mark, nullptr,
                                                             new std::pair(*server_side, "mark:" + f));
                                                     channel.send_text("media:" + f, true);
                                                     return;
                                                   }
                                                   channel.send_text("media:" + f, true);
                                                   channel.send_text("mark:" + f);
                                                 });
    d.on_open = [server_side](net::ws_channel_ptr c) { *server_side = c; };
    return d;
  });
  ASSERT_EQ(server.start(), "");
  io.start();
  auto client_frames = std::make_shared<fakes::frame_queue>();
  auto client = connect_ws(io, server.port(), client_frames);
  ASSERT_TRUE(client);

  constexpr int pairs = 20;
  for (int i = 0; i < pairs; ++i) {
    client->send_text(std::to_string(i));
    ASSERT_TRUE(client_frames->wait_for([&](const std::string& f) { return f == "mark:" + std::to_string(i); }, 5s));
  }
  auto stats = (*server_side)->stats();
  EXPECT_EQ(stats.frames_out, 2u * pairs);
  EXPECT_EQ(stats.sends, static_cast<std::uint64_t>(pairs)) << "each media and its mark in one send";
  for (int i = 0; i < pairs; ++i) {
    client->send_text("t" + std::to_string(i));
    ASSERT_TRUE(client_frames->wait_for([&](const std::string& f) { return f == "mark:t" + std::to_string(i); }, 5s));
  }
  auto in_turns = (*server_side)->stats();
  EXPECT_EQ(in_turns.frames_out - stats.frames_out, 2u * pairs);
  EXPECT_EQ(in_turns.sends - stats.sends, static_cast<std::uint64_t>(pairs)) << "queued by two handlers of one turn: one send";
  stats = in_turns;

  // A burst larger than one gathered send (32 KiB): all of it, in order, in sends of up to 32 KiB.
  std::string big(3000, 'x');
  constexpr int burst = 100;
  client->send_text("burst");
  ASSERT_TRUE(client_frames->wait_for([&](const std::string& f) { return f == std::to_string(burst - 1) + big; }, 5s));
  auto frames = client_frames->snapshot();
  ASSERT_EQ(frames.size(), 4u * pairs + burst);
  for (int i = 0; i < pairs; ++i) {
    EXPECT_EQ(frames[2 * i], "media:" + std::to_string(i));
    EXPECT_EQ(frames[2 * i + 1], "mark:" + std::to_string(i));
    EXPECT_EQ(frames[2 * pairs + 2 * i], "media:t" + std::to_string(i));
    EXPECT_EQ(frames[2 * pairs + 2 * i + 1], "mark:t" + std::to_string(i));
  }
  for (int i = 0; i < burst; ++i) EXPECT_EQ(frames[4 * pairs + i], std::to_string(i) + big);
  auto after = (*server_side)->stats();
  EXPECT_EQ(after.frames_out, 4u * pairs + burst);
  EXPECT_LE(after.sends - stats.sends, static_cast<std::uint64_t>(burst / 5));
  EXPECT_GE(after.sends - stats.sends, static_cast<std::uint64_t>(burst) * big.size() / (32 * 1024));

  client->close("done");
  EXPECT_TRUE(client_frames->wait_closed(5s));
  server_side->reset();
  server.stop();
  io.stop();
}

// A frame queued before close() is sent before the close frame, even when another send_text is still
// on its way to the socket's thread as the close begins.
TEST(Transport, AFrameQueuedBeforeCloseIsSentFirst) {
  net::io_runtime io(1);
  net::http_server server(io, {"127.0.0.1", 0});
  std::vector<std::shared_ptr<fakes::frame_queue>> received;
  std::mutex mutex;
  server.route_ws("/ws", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    auto q = std::make_shared<fakes::frame_queue>();
    {
      std::lock_guard lock(mutex);
      received.push_back(q);
    }
    d.sink = std::make_shared<fakes::queue_sink>(q);
    return d;
  });
  ASSERT_EQ(server.start(), "");
  io.start();
  constexpr int rounds = 30;
  for (int i = 0; i < rounds; ++i) {
    auto client = connect_ws(io, server.port(), std::make_shared<fakes::frame_queue>());
    ASSERT_TRUE(client);
    client->send_text("before");
    client->close("done");
    client->send_text("after");  // dropped: the close has begun
  }
  for (int i = 0; i < rounds; ++i) {
    std::shared_ptr<fakes::frame_queue> q;
    {
      std::lock_guard lock(mutex);
      ASSERT_TRUE(received.size() > static_cast<std::size_t>(i));
      q = received[static_cast<std::size_t>(i)];
    }
    ASSERT_TRUE(q->wait_closed(5s)) << "round " << i;
    auto frames = q->snapshot();
    ASSERT_EQ(frames.size(), 1u) << "round " << i;
    EXPECT_EQ(frames[0], "before");
  }
  server.stop();
  io.stop();
}

// A frame sent from the connection's own loop, outside an actor's turn, keeps its place ahead of a
// frame another thread sends while that handler still runs. (Asio holds a post from a loop's own
// thread until the handler returns; the cluster relay's open was once overtaken that way by the frames
// of the socket it opened.)
TEST(Transport, AFrameSentOnItsOwnLoopIsNotOvertakenByAnotherThreadsFrame) {
  net::io_runtime io(1);
  net::http_server server(io, {"127.0.0.1", 0});
  auto received = std::make_shared<fakes::frame_queue>();
  server.route_ws("/ws", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    d.sink = std::make_shared<fakes::queue_sink>(received);
    return d;
  });
  ASSERT_EQ(server.start(), "");
  io.start();
  auto client = connect_ws(io, server.port(), std::make_shared<fakes::frame_queue>());
  ASSERT_TRUE(client);
  io.post(
      0,
      [](void* channel, void*) {
        auto& ch = *static_cast<net::ws_channel_ptr*>(channel);
        ch->send_text("first", false);
        // Another thread sends while this handler runs: its frame reaches the loop's queue now.
        std::thread([&ch] { ch->send_text("second", false); }).join();
      },
      &client, nullptr);
  ASSERT_TRUE(received->wait_for([](const std::string& f) { return f == "second"; }, 5s));
  EXPECT_EQ(received->snapshot(), (std::vector<std::string>{"first", "second"}));
  client->close("done");
  server.stop();
  io.stop();
}

namespace {

// Completes one WebSocket handshake on 127.0.0.1, then reads and answers nothing: a peer that froze.
class frozen_peer {
 public:
  frozen_peer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      conn_ = ::accept(listener_, nullptr, nullptr);
      std::string request;
      char buf[1024];
      while (request.find("\r\n\r\n") == std::string::npos) {
        auto n = ::recv(conn_, buf, sizeof buf, 0);
        if (n <= 0) return;
        request.append(buf, static_cast<std::size_t>(n));
      }
      auto at = request.find("Sec-WebSocket-Key: ") + 19;
      auto key = request.substr(at, request.find("\r\n", at) - at);
      std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: " + net::ws::accept_key(key) + "\r\n\r\n";
      ::send(conn_, response.data(), response.size(), MSG_NOSIGNAL);
    });
  }
  ~frozen_peer() {
    thread_.join();
    ::close(conn_);
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int listener_ = -1, conn_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

// With an idle timeout, a peer that answers nothing is pinged at half of it and cut at the next look;
// one that answers pings (any WebSocket peer) stays connected however long it says nothing.
TEST(Transport, ASilentPeerIsPingedThenCutAndALiveOneStays) {
  net::io_runtime io(1);
  io.start();
  frozen_peer frozen;
  auto frozen_frames = std::make_shared<fakes::frame_queue>();
  auto to_frozen = connect_ws(io, frozen.port(), frozen_frames, 400ms);
  ASSERT_TRUE(to_frozen);

  net::http_server server(io, {"127.0.0.1", 0});
  server.route_ws("/ws", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    d.sink = std::make_shared<fakes::queue_sink>(std::make_shared<fakes::frame_queue>());
    return d;
  });
  ASSERT_EQ(server.start(), "");
  auto live_frames = std::make_shared<fakes::frame_queue>();
  auto to_live = connect_ws(io, server.port(), live_frames, 400ms);
  ASSERT_TRUE(to_live);

  ASSERT_TRUE(frozen_frames->wait_closed(3s));
  EXPECT_NE(frozen_frames->close_reason().find("not even a pong"), std::string::npos) << frozen_frames->close_reason();
  EXPECT_FALSE(live_frames->wait_closed(1200ms)) << "a peer that answers pings is not idle";
  to_live->close("done");
  EXPECT_TRUE(live_frames->wait_closed(5s));
  server.stop();
  io.stop();
}
