// Faults found by trying the running gateway as an attacker and as misbehaving peers would: each test
// reproduces one and shows the gateway holding: the call ends cleanly or goes on, nothing crashes,
// nothing leaks, nothing grows without bound.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fcntl.h>
#include <thread>

#include "gateway_fixture.hpp"
#include "tests/fakes/raw_ws.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* sid = "CA0123456789abcdef0123456789abcdef";

// A WebSocket server that completes the handshake and then never says anything, never answers a
// close frame, and notes when the other side shuts the TCP connection.
class silent_ws_server {
 public:
  silent_ws_server() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~silent_ws_server() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/v1/realtime?model=gpt-realtime"; }
  bool handshake_done() const { return handshake_done_; }
  bool close_frame_seen() const { return close_frame_seen_; }
  bool peer_shut() const { return peer_shut_; }

 private:
  bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 20) > 0;
  }

  void run() {
    int fd = -1;
    while (!stop_ && fd < 0)
      if (readable(listener_)) fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::string request;
    char buf[4096];
    while (!stop_ && request.find("\r\n\r\n") == std::string::npos) {
      if (!readable(fd)) continue;
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    auto key_at = request.find("Sec-WebSocket-Key: ");
    if (key_at == std::string::npos) key_at = request.find("sec-websocket-key: ");
    if (key_at != std::string::npos) {
      auto start = key_at + 19;
      auto key = request.substr(start, request.find("\r\n", start) - start) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
      unsigned char digest[SHA_DIGEST_LENGTH];
      SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
      std::string accept = codecs::base64::encode(std::string(reinterpret_cast<char*>(digest), sizeof digest));
      std::string response =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
          accept + "\r\n\r\n";
      ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
      handshake_done_ = true;
    }
    // Read (and ignore) whatever comes, answering nothing, until the other side shuts the socket.
    while (!stop_) {
      if (!readable(fd)) continue;
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        peer_shut_ = true;
        break;
      }
      for (ssize_t i = 0; i < n; ++i)
        if ((static_cast<unsigned char>(buf[i]) & 0x0f) == 0x8 && (static_cast<unsigned char>(buf[i]) & 0x80))
          close_frame_seen_ = true;  // a FIN frame with the close opcode (masked client frame follows)
    }
    ::close(fd);
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false}, handshake_done_{false}, close_frame_seen_{false}, peer_shut_{false};
};

class SilentAi : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_settings["OPENAI_REALTIME_URL"] = silent.url();
    c.ai_setup_timeout_ms = 500;
  }
  silent_ws_server silent;
};

}  // namespace

// 1. An AI that accepts the WebSocket and then says nothing: the call used to stay in silence and in
// /calls forever. The set-up deadline ends it as ai_failed, the caller's socket closes, and the AI's
// socket is shut after our close frame goes unanswered, well before Beast's 30 s close timeout.
TEST_F(SilentAi, AnAiThatNeverBecomesReadyEndsTheCallAtTheDeadline) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return silent.handshake_done(); }));
  EXPECT_TRUE(twilio->received()->wait_closed(10s));  // after the spoken apology (about 4 s)
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(get("/calls").body, "[]");
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-realtime",code="setup_timeout"})"), 1);
  EXPECT_TRUE(eventually([&] { return silent.peer_shut(); }, 5s));
  EXPECT_TRUE(silent.close_frame_seen());
}

// 7. One frame of 900,000 '[' from the AI killed the whole process (stack overflow in the recursive
// parse). It is refused as a bad frame and the call goes on.
TEST_F(GatewayTest, ADeeplyNestedAiFrameIsRefusedAndTheCallGoesOn) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  openai->send(std::string(900'000, '['));
  ASSERT_TRUE(eventually(
      [&] { return metric(R"(voxgate_bad_frames_total{source="openai-realtime",reason="JSON nested too deeply"})") == 1; }));
  // A delta that is not base64 is refused the same way.
  openai->send(R"({"type":"response.output_audio.delta","item_id":"item_0","delta":"not*base64!"})");
  ASSERT_TRUE(eventually(
      [&] { return metric(R"(voxgate_bad_frames_total{source="openai-realtime",reason="bad base64"})") == 1; }));
  openai->send(audio_delta("item_1", std::string(800, '\x42')));
  EXPECT_TRUE(twilio->received()->wait_for_field("event", "media", 5s));
  EXPECT_FALSE(twilio->received()->closed());
}

class HugeToolAnswer : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    tools.on("POST", "/huge", [](const net::http_request&) {
      net::http_response r;
      r.content_type = "application/json";
      r.body = R"({"data":")" + std::string(1024 * 1024, 'x') + R"("})";
      return r;
    });
  }
  void customize(app::config& c) override { c.tool_webhook_url = tools.base_url() + "/huge"; }
};

// 2. A tool endpoint answering 1 MiB: the answer is cut at the 64 KiB bound while it is read, the AI
// gets an error output for that call id, and the call goes on.
TEST_F(HugeToolAnswer, AnAnswerOverTheBoundBecomesAnErrorForTheAi) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  openai->send(
      R"({"type":"response.function_call_arguments.done","response_id":"resp_2","item_id":"item_3","output_index":0,"call_id":"call_big","name":"lookup_order","arguments":"{}"})");
  auto output = openai->events()->wait_for(
      [](const std::string& f) { return f.find("function_call_output") != std::string::npos; }, 5s);
  ASSERT_TRUE(output);
  EXPECT_NE(output->find("call_big"), std::string::npos);
  EXPECT_NE(output->find("error"), std::string::npos) << output->substr(0, 300);
  EXPECT_LT(output->size(), 2048u);
  EXPECT_EQ(metric(R"(voxgate_tool_calls_total{tool="lookup_order",result="error"})"), 1);
  EXPECT_FALSE(twilio->received()->closed());
}

// 3. Out of file descriptors, the accept loop re-armed at once and spun a core while the connection
// sat in the backlog. Now the connection is shed (the client sees it closed), the failure is counted,
// and the listener serves again once descriptors are free.
TEST_F(GatewayTest, OutOfDescriptorsTheConnectionIsShedAndTheListenerRecovers) {
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  std::vector<int> filler;
  int client = -1;
  {
    // Fill the table, then free exactly one slot: the client's socket takes it, and the gateway's
    // accept finds none left.
    rlimit low = old;
    low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 4096);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) filler.push_back(fd);
    ASSERT_FALSE(filler.empty());
    ::close(filler.back());
    filler.pop_back();
    client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(client, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(gateway->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  // The gateway closes it rather than leaving it in the backlog.
  pollfd p{client, POLLIN, 0};
  bool shed = ::poll(&p, 1, 5000) > 0;
  char byte;
  bool eof = shed && ::recv(client, &byte, 1, 0) <= 0;
  ::close(client);
  for (int fd : filler) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &old);
  EXPECT_TRUE(eof);
  auto errors = metric(R"(voxgate_accept_errors_total{reason="out_of_fds"})");
  EXPECT_GE(errors, 1);
  EXPECT_LT(errors, 20);  // backed off, not spinning
  EXPECT_EQ(get("/healthz").status, 200u);
}

// 4. At the end of the drain window, calls still up were cut without close frames (1006 on both
// sides). Now each side gets a close frame before the loops stop.
TEST_F(GatewayTest, CallsStillUpAtShutdownGetCloseFramesOnBothSides) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  twilio->send_media(std::string(160, '\x10'));
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  EXPECT_EQ(gateway->drain(std::chrono::seconds(0)), 1u);
  gateway->stop();
  ASSERT_TRUE(twilio->received()->wait_closed(5s));
  EXPECT_EQ(twilio->received()->close_reason(), "closed by peer");
  ASSERT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_EQ(openai->events()->close_reason(), "closed by peer");
}

// 6. Upgrade requests to paths no route knows share one label value: a scanner cannot grow the
// metric's series (and the gateway's memory) without bound.
TEST_F(GatewayTest, UnroutedUpgradePathsShareOneMetricSeries) {
  for (const char* path : {"/random1", "/random2", "/wp-admin/ws"}) {
    fakes::raw_ws ws;
    EXPECT_EQ(ws.connect("127.0.0.1", gateway->port(), path, {}), 404);
  }
  auto body = get("/metrics").body;
  EXPECT_EQ(metric(R"(voxgate_ws_upgrade_attempts_total{path="<unrouted>",result="refused",reason="not_routed"})"), 3);
  EXPECT_EQ(body.find("/random1"), std::string::npos);
}

// A caller whose side froze (no close answered, no FIN) must not hold up the shutdown, nor keep the
// AI from its close frame: our close goes unanswered and the close deadline shuts that socket. The
// shutdown now waits longer than that deadline; waiting exactly as long let the loops stop while
// sockets were being shut (a teardown like this one once ended in a corrupted heap at thread exit).
TEST_F(GatewayTest, AFrozenCallerDoesNotHoldUpShutdownOrTheAisClose) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  twilio->io().stop();  // the caller's side stops reading and answering, its socket still open
  gateway->stop();
  ASSERT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_EQ(openai->events()->close_reason(), "closed by peer");
}
