// Bad input at every door: a clear refusal, a metric, no crash, no leaked call actor.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <future>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/ws_client.hpp"
#include "tests/fakes/loop_staller.hpp"
#include "tests/fakes/raw_ws.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {
constexpr const char* sid = "CAfedcba9876543210fedcba9876543210";
constexpr const char* other_sid = "CA11111111111111111111111111111111";
constexpr const char* third_sid = "CA22222222222222222222222222222222";
}  // namespace

TEST_F(GatewayTest, WebhookWithABadSignatureIsRefusedAndOpensNoAiSession) {
  auto res = twilio->post_voice_webhook(sid, "", false);
  EXPECT_EQ(res.status, 403u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="twilio",result="bad_signature"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);
  EXPECT_EQ(get("/calls").body, "[]");
}

TEST_F(GatewayTest, WebhookSignedForAnotherUrlIsRefused) {
  fakes::fake_twilio wrong(gateway_url(), "https://old-tunnel.example.test", auth_token);
  EXPECT_EQ(wrong.post_voice_webhook(sid).status, 403u);
}

TEST_F(GatewayTest, WebhookWithoutACallSidIsRefused) {
  net::http_client_request r;
  r.method = "POST";
  r.url = gateway_url() + "/twilio/voice";
  r.body = "From=%2B1555";
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.headers.emplace_back(
      "x-twilio-signature",
      net::twilio::compute_signature(auth_token, std::string(public_url) + "/twilio/voice", {{"From", "+1555"}}));
  auto res = fakes::fetch_sync(twilio->io(), r);
  EXPECT_EQ(res.status, 400u);
  EXPECT_NE(res.body.find("CallSid"), std::string::npos);
}

TEST_F(GatewayTest, MediaUpgradeWithoutASignatureIsRefusedAndCounted) {
  auto res = twilio->post_voice_webhook(sid);
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  EXPECT_NE(twilio->open_media(*stream, false), "");
  EXPECT_TRUE(eventually([&] {
    return metric(
               R"(voxgate_ws_upgrade_attempts_total{path="/twilio/media/<redacted>",result="refused",reason="missing_signature"})") ==
           1;
  }));
}

TEST_F(GatewayTest, PlainGetOnTheMediaPathSaysUpgradeRequired) {
  auto res = get("/twilio/media");
  EXPECT_EQ(res.status, 426u);
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/twilio/media",result="refused",reason="not_an_upgrade"})"), 1);
}

TEST_F(GatewayTest, StartForACallSidNoWebhookAnnouncedIsRefusedAndNoAiOpens) {
  auto res = twilio->post_voice_webhook(sid);
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(eventually([&] { return openai->sessions() == 1; }));
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_connected();
  twilio->send_start(other_sid, stream->parameters);  // someone else's CallSid with this call's token
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
  EXPECT_EQ(openai->sessions(), 1);
  EXPECT_EQ(metric(R"(voxgate_media_sockets_refused_total{provider="twilio",reason="token_for_other_call"})"), 1);
}

TEST_F(GatewayTest, StartWithoutATokenIsRefused) {
  auto res = twilio->post_voice_webhook(sid);
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_start(sid, {});
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
  EXPECT_EQ(metric(R"(voxgate_media_sockets_refused_total{provider="twilio",reason="missing_token"})"), 1);
}

TEST_F(GatewayTest, MalformedFramesMidCallAreCountedAndTheCallGoesOn) {
  connect_call(sid);
  twilio->send("{this is not json");
  twilio->send(R"({"event":"media","media":{"payload":"%%%not-base64%%%"}})");
  twilio->send(R"({"event":"brand-new-event"})");
  twilio->send_media(std::string(160, '\x01'));
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  EXPECT_EQ(metric(R"(voxgate_bad_frames_total{source="twilio",reason="bad base64"})"), 1);
  EXPECT_FALSE(twilio->received()->closed());
  EXPECT_NE(get("/calls").body, "[]");
}

TEST_F(GatewayTest, AFrameOver64KiBClosesTheSocketAndEndsTheCall) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  twilio->send(R"({"event":"media","media":{"payload":")" + std::string(70 * 1024, 'A') + R"("}})");
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_TRUE(openai->events()->wait_closed(5s));
}

TEST_F(GatewayTest, TheAiClosingMidCallEndsTheCallCleanly) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  openai->drop();
  EXPECT_TRUE(twilio->received()->wait_closed(5s));  // closing the socket ends a <Connect> call
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})"), 1);
}

TEST_F(GatewayTest, TheCallerVanishingClosesTheAiSocket) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  twilio->hang_up_socket();  // no stop message: the socket just goes
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
}

// The caller hangs up while the AI's socket is still connecting: the socket that arrives after the
// call ended must be closed, not left open with no one reading it.
TEST_F(GatewayTest, AnAiSocketThatConnectsAfterTheCallEndedIsClosed) {
  openai->delay_upgrades(400ms);
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  twilio->hang_up_socket();
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(openai->sessions(), 0) << "the call must end before the AI answers, or this test shows nothing";
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="ai_openai_realtime"})"), 0);
}

class FullGatewayTest : public GatewayTest {
  void customize(app::config& c) override { c.max_calls = 1; }
};

TEST_F(FullGatewayTest, MaxCallsReachedTurnsCallersAwayPolitely) {
  ASSERT_EQ(twilio->post_voice_webhook(sid).status, 200u);
  auto res = twilio->post_voice_webhook(other_sid);
  EXPECT_EQ(res.status, 200u);  // Twilio needs TwiML, not an error, to speak to the caller
  EXPECT_NE(res.body.find("<Say>"), std::string::npos);
  EXPECT_NE(res.body.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(res.body.find("<Stream"), std::string::npos);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="twilio",result="refused_capacity"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_calls_refused_total{provider="twilio",reason="capacity"})"), 1);
}

// A gateway whose overload guard is on, as the fixture's is not.
class OverloadTest : public GatewayTest {
 protected:
  // Waits until every worker's loop passes `full` (the guard's view of it).
  bool every_worker(const std::function<bool(int)>& full) {
    return eventually([&] {
      for (int w = 0; w < gateway->runtime().workers(); ++w)
        if (!full(w)) return false;
      return true;
    });
  }

  // Another caller now hears the polite refusal (spoken, hung up, nothing streamed), counted as
  // overload, and the call already up keeps its socket.
  void expect_the_next_caller_refused_politely() {
    auto res = twilio->post_voice_webhook(other_sid);
    EXPECT_EQ(res.status, 200u);
    EXPECT_NE(res.body.find("<Say>"), std::string::npos);
    EXPECT_NE(res.body.find("<Hangup/>"), std::string::npos);
    EXPECT_EQ(res.body.find("<Stream"), std::string::npos);
    EXPECT_EQ(metric(R"(voxgate_calls_refused_total{provider="twilio",reason="overload"})"), 1);
    EXPECT_NE(get("/calls").body.find(sid), std::string::npos) << "the admitted call is still up";
  }
};

class OverloadedGatewayTest : public OverloadTest {
  void customize(app::config& c) override { c.overload_lag_ms = 5; }
};

// Every worker's loop stays 300 ms behind: the next caller hears the polite refusal, counted as
// overload, and the call already up keeps its socket.
TEST_F(OverloadedGatewayTest, ACallArrivingWhileEveryLoopLagsIsRefusedPolitely) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  auto& io = gateway->runtime();
  std::vector<std::unique_ptr<fakes::loop_staller>> stallers;  // each loop stays 1.2 s behind
  for (int w = 0; w < io.workers(); ++w) {
    stallers.push_back(std::make_unique<fakes::loop_staller>(io, 4));
    stallers.back()->start(w);
  }
  ASSERT_TRUE(every_worker([&](int w) { return io.loop_lag(w) >= 100ms; }));
  expect_the_next_caller_refused_politely();
  EXPECT_GT(metric(R"(voxgate_worker_loop_lag_seconds_count{worker="0"})"), 0);
}

class StalledGatewayTest : public OverloadTest {
  void customize(app::config& c) override { c.overload_lag_ms = 20; }  // the default
};

// Every worker stalls once for 300 ms (a long handler; the machine paused): one probe runs that late,
// but the loops keep up before and after it, so the next caller is taken, not refused.
TEST_F(StalledGatewayTest, ACallArrivingAfterOneStallIsTaken) {
  auto& io = gateway->runtime();
  auto late_probes = [&] {
    return metric(R"(voxgate_worker_loop_lag_seconds_count{worker="0"})") -
           metric(R"(voxgate_worker_loop_lag_seconds_bucket{worker="0",le="0.1"})");
  };
  std::vector<std::unique_ptr<fakes::loop_staller>> stallers;
  for (int w = 0; w < io.workers(); ++w) {
    stallers.push_back(std::make_unique<fakes::loop_staller>(io, 1));
    stallers.back()->start(w);
  }
  ASSERT_TRUE(eventually([&] { return late_probes() >= 1; })) << "the stall shows in the lag histogram";
  auto res = twilio->post_voice_webhook(sid);
  EXPECT_NE(res.body.find("<Stream"), std::string::npos) << res.body;
  EXPECT_EQ(metric(R"(voxgate_calls_refused_total{provider="twilio",reason="overload"})"), 0);
}

class BusyGatewayTest : public OverloadTest {
  void customize(app::config& c) override { c.overload_busy_percent = 50; }
};

// Spins worker `w` in slices of 20 ms for `*left` more slices, yielding to its loop between them.
void spin_slice(void* runtime, void* left) {
  auto until = std::chrono::steady_clock::now() + 20ms;
  while (std::chrono::steady_clock::now() < until) {
  }
  auto* io = static_cast<net::io_runtime*>(runtime);
  if (static_cast<std::atomic<int>*>(left)->fetch_sub(1) > 1) io->post(io->current(), &spin_slice, runtime, left);
}

// Every worker computes most of the time but never lags: the next caller hears the polite refusal,
// counted as overload, and each worker's busy share is in /metrics.
TEST_F(BusyGatewayTest, ACallArrivingWhileEveryLoopIsBusyIsRefusedPolitely) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  auto& io = gateway->runtime();
  std::vector<std::atomic<int>> left(static_cast<std::size_t>(io.workers()));
  for (int w = 0; w < io.workers(); ++w) {
    left[static_cast<std::size_t>(w)] = 150;  // 3 s of work
    io.post(w, &spin_slice, &io, &left[static_cast<std::size_t>(w)]);
  }
  ASSERT_TRUE(every_worker([&](int w) { return io.loop_busy(w) >= 0.6; }));
  expect_the_next_caller_refused_politely();
  EXPECT_GE(metric(R"(voxgate_worker_busy_percent{worker="0"})"), 50);
  for (auto& l : left) l = 0;  // the spinning stops at its next slice
  ASSERT_TRUE(every_worker([&](int w) { return io.loop_busy(w) <= 0.3; }));
  EXPECT_NE(twilio->post_voice_webhook(third_sid).body.find("<Stream"), std::string::npos)
      << "a loop that is free again takes calls again";
}

// A second gateway on the same port cannot listen: start() says why, and the gateway still ends. Its
// supervisor runs on the workers, which a gateway that never started must start to end it; without
// that, destroying it would wait forever (here: the test stops the process rather than hang). It is
// made and destroyed on one thread of its own: CAF 0.17 keeps the system's logger in a thread-local of
// the thread that spawned, and its destructor waits for that reference.
TEST_F(GatewayTest, AGatewayThatCannotListenStillShutsDown) {
  app::config c = gateway->settings();
  c.port = gateway->port();
  std::string error;
  auto ended = std::async(std::launch::async, [&] {
    app::gateway second(c);
    error = second.start();
  });
  if (ended.wait_for(10s) != std::future_status::ready) {
    std::fprintf(stderr, "AGatewayThatCannotListenStillShutsDown: the gateway did not end in 10 s\n");
    std::_Exit(1);
  }
  EXPECT_NE(error.find("cannot listen"), std::string::npos) << error;
  EXPECT_EQ(get("/healthz").status, 200u) << "the first gateway is untouched";
}

class UnreachableAiGatewayTest : public GatewayTest {
  void customize(app::config& c) override { c.ai_settings["OPENAI_REALTIME_URL"] = "ws://127.0.0.1:1/v1/realtime"; }
};

TEST_F(UnreachableAiGatewayTest, AnAiThatCannotBeReachedEndsTheCallWithAReason) {
  auto res = twilio->post_voice_webhook(sid);
  ASSERT_EQ(res.status, 200u);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-realtime",code="connect"})"), 1);
  EXPECT_EQ(get("/calls").body, "[]");
}

class WrongKeyGatewayTest : public GatewayTest {
  void customize(app::config& c) override { c.ai_settings["OPENAI_API_KEY"] = "wrong-key"; }
};

TEST_F(WrongKeyGatewayTest, AnAiThatRefusesTheKeyEndsTheCall) {
  twilio->post_voice_webhook(sid);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(openai->refused(), 1);
}

TEST_F(GatewayTest, BinaryFramesAreRefusedAndTheCallGoesOn) {
  auto res = twilio->post_voice_webhook(sid);
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  fakes::raw_ws raw;
  auto path = stream->url.substr(stream->url.find("/twilio/media"));
  ASSERT_EQ(raw.connect("127.0.0.1", gateway->port(), path,
                        {{"X-Twilio-Signature", net::twilio::compute_signature(auth_token, stream->url, {})}}),
            101);
  std::string params;
  for (const auto& [k, v] : stream->parameters)
    params += (params.empty() ? "" : ",") + std::string("\"") + k + "\":\"" + v + "\"";
  raw.send_text(R"({"event":"start","start":{"streamSid":"MZ1","callSid":")" + std::string(sid) +
                R"(","customParameters":{)" + params +
                R"(},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ1"})");
  raw.send_binary(std::string(160, '\x7f'));  // Twilio never sends these; refused, not fatal
  raw.send_text(R"({"event":"media","media":{"payload":")" + codecs::base64::encode(std::string(160, '\x01')) +
                R"("}})");
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  EXPECT_NE(get("/calls").body, "[]");
}
