// GPT-Live sessions that go wrong: never started, an error before the start, a close never answered,
// a short set-up deadline, an audio delta that is not base64. The call always ends (or goes on) cleanly.
#include "openai_live_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;
using namespace std::chrono_literals;

namespace {
class LiveFaultTest : public LiveGatewayTest {
 protected:
  void customize(app::config& c) override {
    LiveGatewayTest::customize(c);
    c.ai_setup_timeout_ms = 500;
  }
};
}  // namespace

// A GPT-Live that takes session.start and never answers: the set-up deadline ends the call as
// ai_failed (after the apology), and the caller's audio held meanwhile was never sent to a session
// that had not started.
TEST_F(LiveFaultTest, ASessionNeverStartedEndsTheCallAtTheSetUpDeadline) {
  live->answer_start(false);
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  EXPECT_TRUE(twilio->received()->wait_closed(10s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-live",code="setup_timeout"})"), 1);
  EXPECT_EQ(live->events()->count_field("type", "session.input_audio.append"), 0u);
  EXPECT_EQ(get("/calls").body, "[]");
}

// An error before session.started (a refused key, a schema the server will not take) ends the call
// at once as ai_failed, without waiting for the deadline.
TEST_F(LiveGatewayTest, AnErrorBeforeTheSessionStartsEndsTheCall) {
  live->answer_start(false);
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  live->send(R"({"type":"error","event_id":"e1","error":{"type":"invalid_request_error","code":"invalid_api_key","message":"Incorrect API key provided","param":null}})");
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-live",code="invalid_api_key"})"), 1);
}

// The caller hangs up and GPT-Live never answers session.close: the gateway waits its 2 s, then
// closes the socket itself; the call ends as completed, not held open.
TEST_F(LiveGatewayTest, ASessionCloseNeverAnsweredStillClosesTheSocket) {
  live->answer_close(false);
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.input_audio.append", 5s));
  twilio->send_stop(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_TRUE(live->events()->wait_closed(5s)) << "closed by the gateway after its wait";
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="completed"})") == 1; }));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_actors_live{actor="ai_openai_live"})") == 0; }));
}

namespace {
class LiveShortSetupTest : public LiveGatewayTest {
 protected:
  void customize(app::config& c) override {
    LiveGatewayTest::customize(c);
    c.ai_setup_timeout_ms = 1000;
  }
};
}  // namespace

// The set-up deadline's timer is still pending when a call ends early; firing during the wait for
// session.closed, it must not cut that wait short.
TEST_F(LiveShortSetupTest, TheSetUpDeadlineDoesNotCutTheCloseWaitShort) {
  live->answer_close(false);
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.input_audio.append", 5s));
  twilio->send_stop(sid);  // well inside the 1 s set-up deadline
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_FALSE(live->events()->wait_closed(1500ms)) << "the close wait is 2 s; the set-up tick comes before 1 s";
  EXPECT_TRUE(live->events()->wait_closed(5s));
}

// An audio delta that is not base64 is counted and dropped; the next one still reaches the caller.
TEST_F(LiveGatewayTest, AnAudioDeltaThatIsNotBase64IsCountedAndTheCallGoesOn) {
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.input_audio.append", 5s));
  auto before = twilio->received()->count_field("event", "media");
  live->send(R"({"type":"session.output_audio.delta","delta":"not*base64!"})");
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_bad_frames_total{source="openai-live",reason="bad base64"})") == 1; }));
  twilio->send_media(std::string(160, '\x33'));  // echoed by the simulator
  EXPECT_TRUE(eventually([&] { return twilio->received()->count_field("event", "media") > before; }));
}
