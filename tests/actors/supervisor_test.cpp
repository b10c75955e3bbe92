// The supervisor: admission, routing a media socket to its call by CallSid, refusals, bookkeeping.
#include "actors/supervisor.hpp"

#include "actor_fixture.hpp"
#include "net/call_token.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::ActorTest;
using voxgate::testing::fake_channel;

namespace {

constexpr const char* sid = "CA00000000000000000000000000000001";

class SupervisorTest : public ActorTest {
 protected:
  supervisor_actor sup;
  void SetUp() override {
    sup = spawn_supervisor(sys, env);
    run();
  }
  void TearDown() override {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
  }

  call_admission admit_call(const std::string& call_sid = sid, const std::string& simulated = {}) {
    incoming_call c;
    c.provider = provider_named("twilio");
    c.call_id = call_sid;
    c.from = "+15550001";
    c.to = "+15550002";
    c.simulated = simulated;
    c.parameters = {{"businessId", "acme"}};
    self->send(sup, admit_atom::value, std::move(c));
    run();
    call_admission out;
    self->receive([&](call_admission& a) { out = std::move(a); },
                  caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no admission reply"; });
    return out;
  }

  std::uint64_t live() {
    self->send(sup, count_atom::value);
    run();
    std::uint64_t n = 99;
    self->receive([&](std::uint64_t x) { n = x; }, caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE(); });
    return n;
  }

  // `path_token`: the token of the upgrade's path (/twilio/media/<token>), empty for the bare path.
  std::shared_ptr<fake_channel> offer_start(const std::string& frame, const std::string& path_token = "") {
    auto ch = std::make_shared<fake_channel>();
    caf::anon_send(caf::actor_cast<supervisor_internal>(sup), hs_frame_atom::value, pending_socket{ch, provider_named("twilio"), path_token}, frame);
    run();
    return ch;
  }

  // /calls as the supervisor answers it now.
  std::vector<call_summary> calls_now() {
    self->send(sup, calls_atom::value);
    run();
    std::vector<call_summary> out;
    self->receive([&](std::vector<call_summary>& calls) { out = std::move(calls); },
                  caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no answer to calls"; });
    return out;
  }
};

}  // namespace

TEST_F(SupervisorTest, WebhookSpawnsTheCallAndItsAiSessionBeforeAnyMedia) {
  auto a = admit_call();
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(net::verify_call_token("test-secret", a.token, sid, now_unix), net::token_check::ok);
  EXPECT_EQ(ai->spawned, 1);  // the AI connects while the phone rings
  EXPECT_EQ(live(), 1u);
  EXPECT_EQ(metrics.calls_active.value_of({"twilio", "ringing"}), 1);
}

TEST_F(SupervisorTest, ARetriedWebhookDoesNotSpawnASecondCall) {
  admit_call();
  auto again = admit_call();
  EXPECT_TRUE(again.admitted);
  EXPECT_EQ(again.reason, "duplicate");
  EXPECT_EQ(ai->spawned, 1);
  EXPECT_EQ(live(), 1u);
}

TEST_F(SupervisorTest, StartWithAValidTokenIsHandedToItsCall) {
  auto a = admit_call();
  auto ch = offer_start(twilio_start(sid, a.token));
  EXPECT_FALSE(ch->closed);
  ASSERT_TRUE(ch->attached);  // the call actor took the socket over
  EXPECT_EQ(metrics.calls_active.value_of({"twilio", "streaming"}), 1);
  EXPECT_EQ(metrics.calls_active.value_of({"twilio", "ringing"}), 0);
}

TEST_F(SupervisorTest, APathTokenAndAParameterTokenMustBeTheSame) {
  auto a = admit_call();
  auto other = net::mint_call_token("test-secret", sid, now_unix + 90);  // valid, but not the one sent
  auto mismatched = offer_start(twilio_start(sid, other), a.token);
  EXPECT_TRUE(mismatched->closed);
  EXPECT_EQ(mismatched->close_reason, "token_mismatch");
  auto matched = offer_start(twilio_start(sid, a.token), a.token);
  EXPECT_FALSE(matched->closed);
  EXPECT_TRUE(matched->attached);
}

TEST_F(SupervisorTest, ConnectedFrameOnlyAsksForTheNextFrame) {
  auto ch = offer_start(R"({"event":"connected","protocol":"Call","version":"1.0.0"})");
  EXPECT_FALSE(ch->closed);
  EXPECT_EQ(ch->resumes, 1);
}

TEST_F(SupervisorTest, StartForACallNoWebhookAnnouncedIsRefusedAndNoAiOpens) {
  auto forged = net::mint_call_token("test-secret", sid, now_unix + 60);  // even with a good token
  auto ch = offer_start(twilio_start(sid, forged));
  EXPECT_TRUE(ch->closed);
  EXPECT_EQ(ch->close_reason, "unknown_call");
  EXPECT_EQ(ai->spawned, 0);
  EXPECT_EQ(metrics.media_refused.value_of({"twilio", "unknown_call"}), 1);
}

TEST_F(SupervisorTest, BadMissingExpiredOrMisdirectedTokensAreRefused) {
  auto a = admit_call();
  auto other = "CA00000000000000000000000000000002";
  admit_call(other);
  auto bad = a.token;
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(offer_start(twilio_start(sid, bad))->close_reason, "bad_token_signature");
  EXPECT_EQ(offer_start(twilio_start(sid, ""))->close_reason, "missing_token");
  EXPECT_EQ(offer_start(twilio_start(other, a.token))->close_reason, "token_for_other_call");
  now_unix += 3600;
  EXPECT_EQ(offer_start(twilio_start(sid, a.token))->close_reason, "expired_token");
  EXPECT_EQ(metrics.calls_active.value_of({"twilio", "streaming"}), 0);
}

TEST_F(SupervisorTest, MalformedHandshakeFrameRefusesTheSocket) {
  auto ch = offer_start("{not json");
  EXPECT_TRUE(ch->closed);
  EXPECT_EQ(ch->close_reason, "malformed_frame");
}

TEST_F(SupervisorTest, ASecondStreamForTheSameCallIsRefused) {
  auto a = admit_call();
  offer_start(twilio_start(sid, a.token));
  auto second = offer_start(twilio_start(sid, a.token));
  EXPECT_TRUE(second->closed);
  EXPECT_EQ(second->close_reason, "already_streaming");
}

TEST_F(SupervisorTest, MaxCallsRefusesPolitelyAndDrainRefusesEverything) {
  env->max_calls = 1;
  EXPECT_TRUE(admit_call().admitted);
  auto full = admit_call("CA00000000000000000000000000000002");
  EXPECT_FALSE(full.admitted);
  EXPECT_EQ(full.reason, "capacity");
  caf::anon_send(sup, drain_atom::value);
  run();
  env->max_calls = 10;
  auto draining = admit_call("CA00000000000000000000000000000003");
  EXPECT_FALSE(draining.admitted);
  EXPECT_EQ(draining.reason, "draining");
}

TEST_F(SupervisorTest, AnEndedCallIsForgottenAndCountedByOutcome) {
  auto a = admit_call();
  auto ch = offer_start(twilio_start(sid, a.token));
  ASSERT_TRUE(ch->attached);
  ch->attached->on_text(R"({"event":"stop","sequenceNumber":"9","stop":{"callSid":")" + std::string(sid) + R"("}})");
  run();
  EXPECT_EQ(live(), 0u);
  EXPECT_TRUE(ch->closed);
  EXPECT_EQ(ai->terminated, 1);  // the AI session went with the call
  EXPECT_EQ(metrics.calls_total.value_of({"twilio", "completed"}), 1);
  EXPECT_EQ(metrics.calls_active.value_of({"twilio", "streaming"}), 0);
  EXPECT_EQ(metrics.actors_live.value_of({"call"}), 0);
  EXPECT_TRUE(calls_now().empty());
}

TEST_F(SupervisorTest, CallsListsLiveCallsWithParameters) {
  admit_call();
  auto calls = calls_now();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].id, sid);
  EXPECT_EQ(calls[0].provider, "twilio");
  EXPECT_EQ(calls[0].state, "ringing");
  EXPECT_EQ(calls[0].parameters, (net::param_list{{"businessId", "acme"}}));
  EXPECT_EQ(calls[0].from, "+15550001");
  EXPECT_EQ(calls[0].to, "+15550002");
  EXPECT_EQ(calls[0].ai, "probe");
  EXPECT_TRUE(calls[0].simulated.empty());  // a real call
}

TEST_F(SupervisorTest, ASimulatedCallIsLabelledInCallsAndCountedApart) {
  admit_call(sid, "load");
  auto calls = calls_now();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].simulated, "load");
  advance(std::chrono::seconds(31));
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"twilio", "no_media"}), 1);  // still a call in every total
  EXPECT_EQ(metrics.simulated_calls.value_of({"twilio", "no_media"}), 1);
}

TEST_F(SupervisorTest, AnEndedCallIsTimedInTheDurationHistogram) {
  admit_call();
  EXPECT_EQ(metrics.call_duration.value_of({"twilio"}), 0);
  advance(std::chrono::seconds(31));
  EXPECT_EQ(metrics.call_duration.value_of({"twilio"}), 1);  // the count of observations
  EXPECT_EQ(metrics.simulated_calls.value_of({"twilio", "no_media"}), 0);
}

TEST_F(SupervisorTest, RingingCallWithNoMediaEndsAfterTheTimeout) {
  admit_call();
  advance(std::chrono::seconds(31));
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"twilio", "no_media"}), 1);
  EXPECT_EQ(ai->terminated, 1);
}

TEST_F(SupervisorTest, ShutdownEndsEveryCall) {
  admit_call();
  admit_call("CA00000000000000000000000000000002");
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(ai->terminated, 2);
  EXPECT_EQ(metrics.actors_live.value_of({"call"}), 0);
}

TEST_F(SupervisorTest, CallsArePlacedOnTheLeastLoadedWorkerWhoseLoopKeepsUp) {
  env->workers = 2;
  env->overload_lag = std::chrono::milliseconds(20);
  std::chrono::microseconds lag[2] = {std::chrono::microseconds(0), std::chrono::microseconds(0)};
  env->loop_lag = [&lag](int w) { return lag[w]; };
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);  // a supervisor that knows two workers
  run();
  sup = spawn_supervisor(sys, env);
  run();
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000011").admitted);  // worker 0
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000012").admitted);  // worker 1: fewer calls
  lag[1] = std::chrono::milliseconds(30);
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000013").admitted);  // worker 0: 1 lags
  lag[0] = std::chrono::milliseconds(25);
  auto refused = admit_call("CA00000000000000000000000000000014");
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.reason, "overload");
  EXPECT_EQ(live(), 3u) << "the admitted calls are untouched";
  lag[1] = std::chrono::microseconds(500);
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000015").admitted) << "a loop that caught up takes calls again";
  env->overload_lag = std::chrono::milliseconds(0);
  lag[0] = lag[1] = std::chrono::seconds(1);
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000016").admitted) << "OVERLOAD_LAG_MS=0 turns the check off";
}

TEST_F(SupervisorTest, AWorkerTooBusyForOneMoreCallTakesNone) {
  env->overload_busy = 0.85;
  double busy = 0.5;
  env->loop_busy = [&busy](int) { return busy; };
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000021").admitted);
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000022").admitted)
      << "no call streams yet, so none has a known cost: the share as measured is within the bound";
  busy = 0.9;
  auto refused = admit_call("CA00000000000000000000000000000023");
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.reason, "overload");
  EXPECT_EQ(live(), 2u) << "the admitted calls are untouched";
  env->overload_busy = 0;
  EXPECT_TRUE(admit_call("CA00000000000000000000000000000024").admitted) << "OVERLOAD_BUSY_PERCENT=0 turns it off";
}
