// The call actor as the caller and the operator see it: the wait for the AI's first audio, the
// apology when the AI cannot be reached, and the summary line each call ends with.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "actors/prompts.hpp"
#include "call_fixture.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::CallTest;
using voxgate::testing::fake_channel;
using voxgate::testing::sid;

// ---- AI time to first audio: what the caller waits, from the end of their speech ----

namespace {

class FirstAudioTest : public CallTest {
 protected:
  void SetUp() override {
    CallTest::SetUp();
    env->ai_turn_silence = std::chrono::milliseconds(700);
  }
  // One second of caller audio, a 20 ms frame every 20 ms.
  void caller_speaks_for_a_second() {
    for (int i = 0; i < 50; ++i) {
      from_provider(twilio_media(160));
      advance(std::chrono::milliseconds(20));
    }
  }
  histogram& first_audio() { return metrics.ai_first_audio.with({"probe"}); }
};

}  // namespace

TEST_F(FirstAudioTest, RunsFromWhenTheCallerStoppedSpeakingNotFromTheAisDecision) {
  start_call();
  caller_speaks_for_a_second();
  // The AI ends the turn on all it heard: the caller stopped its 700 ms silence window before that.
  caf::anon_send(call, ai_state_atom::value, ai_state::speech_stopped);
  run();
  ai_says("reply", 500);
  ASSERT_EQ(first_audio().count(), 1u);
  EXPECT_NEAR(first_audio().sum(), 0.7, 0.001);
}

TEST_F(FirstAudioTest, PlacesTheAisDecisionWhereItSaysInTheCallersAudio) {
  start_call();
  caller_speaks_for_a_second();
  // Decided at 900 ms of caller audio (OpenAI's audio_end_ms): speech ended at 200 ms, which came
  // 800 ms ago; the reply then takes another 100 ms.
  caf::anon_send(call, speech_end_atom::value, std::uint32_t{900});
  run();
  advance(std::chrono::milliseconds(100));
  ai_says("reply", 500);
  ASSERT_EQ(first_audio().count(), 1u);
  EXPECT_NEAR(first_audio().sum(), 0.9, 0.001);
}

TEST_F(FirstAudioTest, IsTakenAtTheFirstFrameSentToTheCallerForAGreetingWhenTheyCanHearIt) {
  start_call(false);
  caf::anon_send(call, ai_state_atom::value, ai_state::ready);
  run();
  advance(std::chrono::seconds(3));
  ai_says("greeting", 300);  // arrives while the phone still rings: nobody hears it yet
  EXPECT_EQ(first_audio().count(), 0u);
  advance(std::chrono::seconds(1));
  caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info(sid));
  run();
  ASSERT_EQ(first_audio().count(), 1u);
  EXPECT_LT(first_audio().sum(), 0.001);  // sent the moment the stream came up
}

TEST_F(FirstAudioTest, TheCallerSpeakingAgainRestartsTheWait) {
  start_call();
  caller_speaks_for_a_second();
  caf::anon_send(call, ai_state_atom::value, ai_state::speech_stopped);
  caf::anon_send(call, speech_atom::value);  // they go on talking before any reply
  run();
  ai_says("reply", 500);
  EXPECT_EQ(first_audio().count(), 0u);
}

// ---- the apology when the AI cannot be reached ----

namespace {

class UnreachableAiCallTest : public CallTest {
 protected:
  caf::actor ai_session;

  void SetUp() override {
    CallTest::SetUp();
    env->make_ai = [this](caf::actor_system& s, ai_session_args args) {
      ai->listener = args.listener;
      auto session = s.spawn(voxgate::testing::probe_ai, ai);
      ai_session = caf::actor_cast<caf::actor>(session);
      return session;
    };
  }
  // The session fails before it was ever ready (refused, unreachable, no session.updated in time).
  void ai_fails() {
    caf::anon_send_exit(ai_session, caf::exit_reason::user_shutdown);
    run();
  }
  static std::string apology() { return prompts::encoded(prompts::prompt::apology, codecs::audio_format::g711_ulaw()); }
  static std::chrono::milliseconds apology_length() { return std::chrono::milliseconds(apology().size() / 8); }
  // Every audio byte sent to the provider, in order.
  std::string media_sent() const {
    std::string out;
    for (const auto& f : provider->sent) {
      rapidjson::Document d;
      d.Parse(f.c_str());
      if (std::string(d["event"].GetString()) == "media")
        out += *codecs::base64::decode(d["media"]["payload"].GetString());
    }
    return out;
  }
  void play_for(std::chrono::milliseconds d) {
    for (std::chrono::milliseconds t{0}; t < d; t += std::chrono::milliseconds(50))
      advance(std::chrono::milliseconds(50));
  }
};

}  // namespace

TEST_F(UnreachableAiCallTest, TheCallerHearsTheApologyThenTheCallEndsAsAiFailed) {
  ASSERT_GT(apology().size(), 8000u);  // a spoken sentence, not a click
  start_call();
  ai_fails();
  EXPECT_FALSE(call_down);  // not a dead line cut at once
  EXPECT_FALSE(provider->closed);
  EXPECT_FALSE(media_sent().empty());
  play_for(apology_length() - std::chrono::milliseconds(100));
  EXPECT_FALSE(call_down) << "cut before the apology played";
  play_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(call_down);  // once it has played, well before the bound
  EXPECT_EQ(media_sent(), apology());
  EXPECT_EQ(record->outcome, "ai_failed");
  EXPECT_TRUE(provider->closed);
}

TEST_F(UnreachableAiCallTest, AStreamThatComesUpAfterTheFailureStillCarriesTheApology) {
  start_call(false);
  ai_fails();
  advance(std::chrono::seconds(1));
  EXPECT_FALSE(call_down);
  caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info(sid));
  run();
  EXPECT_FALSE(media_sent().empty());
  play_for(apology_length() + std::chrono::milliseconds(200));
  EXPECT_TRUE(call_down);
  EXPECT_EQ(media_sent(), apology());
  EXPECT_EQ(record->outcome, "ai_failed");
}

TEST_F(UnreachableAiCallTest, NoStreamForTheApologyEndsTheCallAsAiFailedSoon) {
  env->apology_stream_wait = std::chrono::milliseconds(2500);
  start_call(false);
  ai_fails();
  advance(std::chrono::milliseconds(2400));
  EXPECT_FALSE(call_down);
  advance(std::chrono::milliseconds(200));
  EXPECT_TRUE(call_down);
  EXPECT_EQ(record->outcome, "ai_failed");
}

TEST_F(UnreachableAiCallTest, AProviderThatStopsPlayingDoesNotHoldTheCallPastTheBound) {
  env->apology_margin = std::chrono::milliseconds(2000);
  start_call();
  ai_fails();
  std::string first_mark;
  for (const auto& f : provider->sent) {
    rapidjson::Document d;
    d.Parse(f.c_str());
    if (first_mark.empty() && std::string(d["event"].GetString()) == "mark") first_mark = d["mark"]["name"].GetString();
  }
  ASSERT_FALSE(first_mark.empty());
  // The provider keeps saying it has played only the first 100 ms.
  auto stuck = R"({"event":"mark","streamSid":"MZ1","mark":{"name":")" + first_mark + R"("}})";
  for (auto t = std::chrono::milliseconds(0); t < apology_length() + std::chrono::milliseconds(1900);
       t += std::chrono::milliseconds(50)) {
    from_provider(stuck);
    advance(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(call_down);  // the playout clock says it has not played yet
  play_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(call_down);  // the bound: the apology's length and the margin
  EXPECT_EQ(record->outcome, "ai_failed");
}

// ---- the call's summary line ----

namespace {

class SummaryLineTest : public CallTest {
 protected:
  void SetUp() override {
    CallTest::SetUp();
    previous_ = spdlog::default_logger();
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  void TearDown() override {
    CallTest::TearDown();
    spdlog::set_default_logger(previous_);
  }
  std::string summary() const {
    for (const auto& l : sink_->last_formatted())
      if (l.find(" ended outcome=") != std::string::npos) return l;
    return {};
  }
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

}  // namespace

TEST_F(SummaryLineTest, SaysWhoCalledWhomWithWhichAiHowOftenTheyInterruptedAndWhoHungUp) {
  record->call.to = "+15550002";
  start_call();
  ai_says("it1", 1000);
  advance(std::chrono::milliseconds(250));
  caf::anon_send(call, speech_atom::value);
  run();
  from_provider(R"({"event":"stop","stop":{"callSid":"CA"}})");
  auto line = summary();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.rfind(std::string("call=") + sid + " ended outcome=completed ended_by=caller ", 0), 0u) << line;
  EXPECT_NE(line.find(" from=\"+15550001\" to=\"+15550002\" ai=probe barge_ins=1 "), std::string::npos) << line;
  EXPECT_EQ(line.find("simulated="), std::string::npos) << line;
}

TEST_F(SummaryLineTest, QuotesValuesWithSpacesAndNamesTheProviderWhenItsSocketGoes) {
  record->call.from = "Anonymous Caller";
  record->call.simulated = "probe";
  start_call();
  caf::anon_send(call, closed_atom::value, std::string("connection lost"));
  run();
  auto line = summary();
  EXPECT_NE(line.find(R"(outcome="provider_closed: connection lost" ended_by=provider )"), std::string::npos) << line;
  EXPECT_NE(line.find(R"( from="Anonymous Caller" to="" )"), std::string::npos) << line;
  EXPECT_NE(line.find(" simulated=probe "), std::string::npos) << line;
}

TEST_F(SummaryLineTest, TheAiHangingUpAndTheGatewayGivingUpAreToldApart) {
  start_call();
  caf::anon_send(call, hangup_atom::value, call_end{outcome::end_call, {}});
  run();
  EXPECT_NE(summary().find("outcome=end_call ended_by=ai "), std::string::npos) << summary();
}

TEST_F(SummaryLineTest, NoMediaIsTheGatewayGivingUp) {
  start_call(false);
  advance(env->ringing_timeout + std::chrono::milliseconds(1));
  EXPECT_NE(summary().find("outcome=no_media ended_by=gateway "), std::string::npos) << summary();
}
