// `voxgate call` against a local gateway with the built-in agent: greeting, barge-in, playback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/call_command.hpp"
#include "codecs/pcm16.hpp"
#include "gateway_fixture.hpp"
#include "net/telnyx/caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class CallCommandTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();  // the simulated call reaches the gateway directly, like `make run`
    c.twilio_auth_token.clear();
  }
};

bool has(const app::call_result& r, const std::string& what) {
  for (const auto& e : r.timeline)
    if (e.what.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_F(CallCommandTest, ANewcomerHearsTheLocalAgent) {
  app::call_options o;
  o.gateway_url = gateway_url();
  o.seconds = 4;
  auto r = app::run_simulated_call(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(has(r, "webhook answered"));
  EXPECT_TRUE(has(r, "first audio back"));
  EXPECT_TRUE(has(r, "clear"));  // the test signal talks over the greeting
  EXPECT_TRUE(has(r, "media socket closed by the gateway"));
  EXPECT_EQ(r.frames_sent, 200u);
  EXPECT_GT(r.frames_received, 0u);
  EXPECT_GT(r.marks_answered, 0u);
  // What was heard: the start of the greeting, then the caller's own words played back.
  EXPECT_GT(codecs::pcm16::rms(r.heard), 100.0);
  EXPECT_GT(r.heard.size(), 8000u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST(CallCommand, AnUnreachableGatewayIsAClearError) {
  app::call_options o;
  o.gateway_url = "http://127.0.0.1:1";
  o.seconds = 1;
  auto r = app::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("webhook"), std::string::npos) << r.error;
}

namespace {

// A port nothing listens on right now (ctest runs tests in parallel processes: no fixed ports).
std::uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

class TelnyxCallCommandTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();
    c.telnyx_api_base = "http://127.0.0.1:" + std::to_string(api_port) + "/v2";
    c.telnyx_api_key = "test-telnyx-key";
    c.telnyx_public_key = key.public_key_b64();
  }
  app::call_options telnyx_call() const {
    app::call_options o;
    o.gateway_url = gateway_url();
    o.provider = "telnyx";
    o.telnyx_private_key_pem = key.private_key_pem();
    o.api_port = api_port;
    o.seconds = 4;
    return o;
  }
  net::telnyx::signing_key key;
  std::uint16_t api_port = free_port();
};

}  // namespace

TEST_F(TelnyxCallCommandTest, ATelnyxCallIsAnsweredThroughTheApiAndHeard) {
  auto r = app::run_simulated_call(telnyx_call());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(has(r, "call.initiated answered"));
  EXPECT_TRUE(has(r, "the gateway sent answer with stream_url ws://"));
  EXPECT_TRUE(has(r, "first audio back"));
  EXPECT_TRUE(has(r, "clear"));
  EXPECT_EQ(r.frames_sent, 200u);
  EXPECT_GT(r.marks_answered, 0u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
}

TEST_F(TelnyxCallCommandTest, AWrongSigningKeyIsNamedAsTheProblem) {
  auto o = telnyx_call();
  o.telnyx_private_key_pem = net::telnyx::signing_key().private_key_pem();
  auto r = app::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("HTTP 403"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("TELNYX_PUBLIC_KEY"), std::string::npos);
}

TEST_F(TelnyxCallCommandTest, AGatewayAnsweringElsewhereIsExplained) {
  auto o = telnyx_call();
  while (o.api_port == api_port) o.api_port = free_port();  // the gateway's TELNYX_API_BASE points elsewhere
  auto r = app::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TELNYX_API_BASE=http://127.0.0.1:" + std::to_string(o.api_port) + "/v2"), std::string::npos)
      << r.error;
}
