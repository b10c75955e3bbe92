// `voxgate call` against a local gateway with the built-in agent: greeting, barge-in, playback; and
// what it says when the call cannot be placed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codecs/pcm16.hpp"
#include "gateway_fixture.hpp"
#include "tests/fakes/shell.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class CallCommandTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();  // the simulated call reaches the gateway directly, like `make run`
    c.provider_settings.erase("TWILIO_AUTH_TOKEN");
  }
};

// Where in the timeline the first note containing `what` is; -1 when none does.
int at(const tools::call_result& r, const std::string& what) {
  for (std::size_t i = 0; i < r.timeline.size(); ++i)
    if (r.timeline[i].what.find(what) != std::string::npos) return static_cast<int>(i);
  return -1;
}

bool has(const tools::call_result& r, const std::string& what) { return at(r, what) >= 0; }

std::string timeline(const tools::call_result& r) {
  std::string out;
  for (const auto& e : r.timeline) out += std::to_string(e.at_s) + " " + e.what + "\n";
  return out;
}

// `voxgate call <line...>`: its exit status, stdout and stderr.
fakes::subcommand_result run_call_command(std::vector<std::string> line) {
  line.insert(line.begin(), "call");
  return fakes::run_subcommand(tools::call_command, std::move(line));
}

}  // namespace

TEST_F(CallCommandTest, ANewcomerHearsTheLocalAgentGreetThenPlayThemBack) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.seconds = 4;
  auto r = tools::run_simulated_call(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(has(r, "webhook answered"));
  // The caller waits for the greeting to play, then talks: nothing talks over it.
  auto greeting = at(r, "first audio back");
  auto talking = at(r, "the greeting has played: the caller starts talking");
  ASSERT_GE(greeting, 0) << timeline(r);
  ASSERT_GT(talking, greeting) << timeline(r);
  EXPECT_FALSE(has(r, "clear")) << timeline(r);
  EXPECT_TRUE(has(r, "media socket closed by the gateway"));
  EXPECT_GT(r.frames_sent, 200u);  // the 4 s of caller audio, after the frames of the wait
  EXPECT_GT(r.frames_received, 0u);
  EXPECT_GT(r.marks_answered, 0u);
  // What was heard: the greeting, then the caller's own words played back.
  EXPECT_GT(codecs::pcm16::rms(r.heard), 100.0);
  EXPECT_GT(r.heard.size(), 8000u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(CallCommandTest, NotWaitingForTheGreetingTalksOverItAndTheGatewayBargesIn) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.seconds = 4;
  o.wait_greeting = false;
  auto r = tools::run_simulated_call(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(at(r, "the caller starts talking (not waiting for a greeting)"), at(r, "start sent") + 1) << timeline(r);
  EXPECT_TRUE(has(r, "clear")) << timeline(r);  // the test signal talks over the greeting
  EXPECT_EQ(r.frames_sent, 200u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

class SilentAgentCallCommandTest : public CallCommandTest {
 protected:
  void customize(app::config& c) override {
    CallCommandTest::customize(c);
    c.agent_greets_first = false;
  }
};

// An agent that waits for the caller (AGENT_GREETS_FIRST=0) sends nothing: the caller stops waiting
// for a greeting once no audio at all has come, not at the 8 s bound meant for a long greeting.
TEST_F(SilentAgentCallCommandTest, NoAudioAtAllMeansNoGreetingToWaitFor) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.seconds = 4;
  auto r = tools::run_simulated_call(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(at(r, "no greeting after 4 s: the caller starts talking"), at(r, "start sent") + 1) << timeline(r);
  EXPECT_GT(at(r, "first audio back"), at(r, "the caller starts talking")) << timeline(r);  // its words, played back
}

TEST_F(CallCommandTest, AnHttpsUrlForThePlainHttpGatewaySuggestsHttp) {
  tools::call_options o;
  o.gateway_url = "https://127.0.0.1:" + std::to_string(gateway->port());
  o.seconds = 1;
  auto r = tools::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("wrong version number"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("is the gateway plain http? try http://127.0.0.1:" + std::to_string(gateway->port())),
            std::string::npos)
      << r.error;
}

TEST(CallCommand, AnUnreachableGatewayIsAClearError) {
  tools::call_options o;
  o.gateway_url = "http://127.0.0.1:1";
  o.seconds = 1;
  auto r = tools::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("webhook: connect: Connection refused (is the gateway running"), std::string::npos) << r.error;
}

TEST(CallCommand, AFailedCallPrintsItsErrorAndNoSummaryOfNothing) {
  auto r = run_call_command({"http://127.0.0.1:1", "--seconds", "1", "--record", "/nonexistent/never.wav"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("voxgate call: webhook: connect:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("frames sent"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("recorded"), std::string::npos) << r.out;
}

namespace {

using fakes::free_port;

class TelnyxCallCommandTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();
    c.provider_settings["TELNYX_API_BASE"] = "http://127.0.0.1:" + std::to_string(api_port) + "/v2";
    c.provider_settings["TELNYX_API_KEY"] = "test-telnyx-key";
    c.provider_settings["TELNYX_PUBLIC_KEY"] = key.public_key_b64();
  }
  tools::call_options telnyx_call() const {
    tools::call_options o;
    o.gateway_url = gateway_url();
    o.provider = "telnyx";
    o.credential = key.private_key_pem();
    o.api_port = api_port;
    o.seconds = 4;
    return o;
  }
  sim::telnyx::signing_key key;
  std::uint16_t api_port = free_port();
};

}  // namespace

TEST_F(TelnyxCallCommandTest, ATelnyxCallIsAnsweredThroughTheApiAndHeard) {
  auto r = tools::run_simulated_call(telnyx_call());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(has(r, "webhook answered"));
  EXPECT_TRUE(has(r, "media socket open (ws://"));
  EXPECT_GE(at(r, "first audio back"), 0) << timeline(r);
  EXPECT_GT(at(r, "the greeting has played"), at(r, "first audio back")) << timeline(r);
  EXPECT_GT(r.frames_sent, 200u);
  EXPECT_GT(r.marks_answered, 0u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
}

TEST_F(TelnyxCallCommandTest, AWrongSigningKeyIsNamedAsTheProblem) {
  auto o = telnyx_call();
  o.credential = sim::telnyx::signing_key().private_key_pem();
  auto r = tools::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("HTTP 403"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("TELNYX_PUBLIC_KEY"), std::string::npos);
}

TEST_F(TelnyxCallCommandTest, AGatewayAnsweringElsewhereIsExplained) {
  auto o = telnyx_call();
  while (o.api_port == api_port) o.api_port = free_port();  // the gateway's TELNYX_API_BASE points elsewhere
  auto r = tools::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TELNYX_API_BASE=http://127.0.0.1:" + std::to_string(o.api_port) + "/v2"), std::string::npos)
      << r.error;
}

TEST(CallCommand, ItsWebhooksSayTheCallIsSimulatedByCall) {
  fakes::http_peer provider_side;  // answers every webhook 403: the call stops at the first request
  provider_side.on("POST", "/", [](const net::http_request&) { return net::http_response::text(403, "no"); });
  ASSERT_EQ(provider_side.start(), "");
  for (const char* provider : {"twilio", "telnyx"}) {
    tools::call_options o;
    o.gateway_url = provider_side.base_url();
    o.provider = provider;
    o.seconds = 1;
    o.api_port = free_port();
    EXPECT_FALSE(tools::run_simulated_call(o).ok);
  }
  auto requests = provider_side.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path(), "/twilio/voice");
  EXPECT_EQ(requests[1].path(), "/telnyx/webhook");
  for (const auto& req : requests) EXPECT_EQ(net::header_or(req.headers, "X-VoxGate-Simulated"), "call") << req.target;
}
