// The call actor: media both ways, barge-in arithmetic, tool calls, and teardown from every side.
#include "actors/call.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "actor_fixture.hpp"
#include "actors/call_record.hpp"
#include "actors/prompts.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::ActorTest;
using voxgate::testing::fake_channel;

namespace {

constexpr const char* sid = "CA00000000000000000000000000000007";

class CallTest : public ActorTest {
 protected:
  std::shared_ptr<call_record> record = std::make_shared<call_record>();
  call_internal call;
  std::shared_ptr<fake_channel> provider = std::make_shared<fake_channel>();
  caf::actor watcher;  // learns when the call actor ends
  bool call_down = false;

  void SetUp() override {
    record->call.call_id = sid;
    record->call.from = "+15550001";
    record->call.parameters = {{"businessId", "acme"}};
  }

  void start_call(bool attach = true) {
    if (!record->call.provider) record->call.provider = provider_named("twilio");
    call = spawn_call(sys, env, record);
    watcher = sys.spawn([this](caf::event_based_actor* w) -> caf::behavior {
      w->monitor(call);
      w->set_down_handler([this, w](caf::down_msg&) {
        call_down = true;
        w->quit();
      });
      return {[](caf::unit_t) {}};
    });
    run();
    if (attach) {
      caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info(sid));
      run();
    }
  }

  void TearDown() override {
    if (!call_down) caf::anon_send_exit(call, caf::exit_reason::user_shutdown);
    run();
  }

  std::size_t media_bytes() const {
    std::size_t n = 0;
    for (const auto& s : provider->sent) {
      rapidjson::Document d;
      d.Parse(s.c_str());
      if (std::string(d["event"].GetString()) == "media")
        n += codecs::base64::decode(d["media"]["payload"].GetString())->size();
    }
    return n;
  }

  void from_provider(const std::string& frame) {
    caf::anon_send(call, frame_atom::value, frame);
    run();
  }
  void ai_says(const std::string& item, std::uint32_t ms) {
    caf::anon_send(call, ai_audio_atom::value,
                   audio_chunk{codecs::audio_format::g711_ulaw(), std::string(ms * 8, '\x55'), item});
    run();
  }
};

}  // namespace

TEST_F(CallTest, CallerAudioReachesTheAiDecodedWithNoTranscoding) {
  start_call();
  ASSERT_TRUE(provider->attached);
  from_provider(twilio_media(160));
  EXPECT_TRUE(ai->has("caller:160"));
  EXPECT_EQ(record->frames_in.load(), 1u);
  EXPECT_EQ(metrics.frames.value_of({"twilio", "in"}), 1);
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 0);
}

TEST_F(CallTest, AiAudioIsPacedToTheProviderWithMarks) {
  start_call();
  ai_says("it1", 1000);
  auto events = provider->events();
  EXPECT_EQ(provider->count("media"), 4u);  // 400 ms lead in 100 ms chunks
  EXPECT_EQ(provider->count("mark"), 4u);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], "media");
  EXPECT_EQ(events[1], "mark");
  // As audio plays, the clock keeps feeding: never more than 400 ms ahead of what has played.
  for (int step = 1; step <= 40; ++step) {
    advance(std::chrono::milliseconds(50));
    EXPECT_LE(media_bytes(), (50u * step + 400u) * 8u) << "at " << 50 * step << " ms";
  }
  EXPECT_EQ(media_bytes(), 8000u);  // all of it, in order
}

TEST_F(CallTest, AudioArrivingWhileRingingPlaysOnceTheStreamStarts) {
  start_call(false);
  ai_says("greeting", 300);
  EXPECT_TRUE(provider->sent.empty());
  caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info(sid));
  run();
  EXPECT_EQ(provider->count("media"), 3u);
}

TEST_F(CallTest, BargeInClearsTheProviderAndTruncatesAtWhatWasPlayed) {
  start_call();
  ai_says("it1", 1000);
  advance(std::chrono::milliseconds(250));
  caf::anon_send(call, speech_atom::value);
  run();
  EXPECT_EQ(provider->count("clear"), 1u);
  EXPECT_TRUE(ai->has("truncate:it1:250")) << ::testing::PrintToString(ai->entries);
  EXPECT_EQ(metrics.barge_ins.value_of({"twilio"}), 1);
  // Late audio of the interrupted item is not played; the queue stays empty.
  auto sent_before = provider->count("media");
  ai_says("it1", 200);
  EXPECT_EQ(provider->count("media"), sent_before);
}

TEST_F(CallTest, SpeechWithNothingPlayingSendsNoClear) {
  start_call();
  caf::anon_send(call, speech_atom::value);
  run();
  EXPECT_EQ(provider->count("clear"), 0u);
  EXPECT_TRUE(ai->entries.empty());
}

TEST_F(CallTest, ToolCallRoundTripsThroughTheBusinessWebhook) {
  env->tool_webhook_url = "http://127.0.0.1:9/tools";
  start_call();
  caf::anon_send(call, tool_atom::value, tool_call{"call_1", "lookup_order", R"({"id":"42"})"});
  run();
  ASSERT_EQ(fetches.size(), 1u);
  const auto& req = fetches[0].request;
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:9/tools");
  rapidjson::Document body;
  body.Parse(req.body.c_str());
  ASSERT_FALSE(body.HasParseError()) << req.body;
  EXPECT_STREQ(body["call_id"].GetString(), sid);
  EXPECT_STREQ(body["tool"].GetString(), "lookup_order");
  EXPECT_STREQ(body["arguments"]["id"].GetString(), "42");
  EXPECT_STREQ(body["parameters"]["businessId"].GetString(), "acme");
  net::http_client_response ok;
  ok.status = 200;
  ok.body = R"({"status":"shipped"})";
  fetches[0].done(ok);
  run();
  EXPECT_TRUE(ai->has(R"(tool_done:call_1:{"status":"shipped"})")) << ::testing::PrintToString(ai->entries);
  EXPECT_EQ(metrics.tool_calls.value_of({"lookup_order", "ok"}), 1);
}

TEST_F(CallTest, ToolFailureBecomesAnErrorOutputAndTheCallGoesOn) {
  env->tool_webhook_url = "http://127.0.0.1:9/tools";
  start_call();
  caf::anon_send(call, tool_atom::value, tool_call{"call_2", "book", "{}"});
  run();
  ASSERT_EQ(fetches.size(), 1u);
  net::http_client_response timeout;
  timeout.error = "timed out";
  fetches[0].done(timeout);
  run();
  EXPECT_TRUE(ai->has(R"(tool_done:call_2:{"error":"tool endpoint unreachable: timed out"})"))
      << ::testing::PrintToString(ai->entries);
  EXPECT_FALSE(call_down);
}

TEST_F(CallTest, ToolCallWithNoEndpointTellsTheAi) {
  start_call();
  caf::anon_send(call, tool_atom::value, tool_call{"call_3", "book", "{}"});
  run();
  EXPECT_TRUE(fetches.empty());
  ASSERT_EQ(ai->entries.size(), 1u);
  EXPECT_NE(ai->entries[0].find("no tool endpoint"), std::string::npos);
}

TEST_F(CallTest, EndCallWaitsForTheGoodbyeThenHangsUpThroughTwilioRest) {
  provider_settings = {{"TWILIO_ACCOUNT_SID", "ACtest"},
                       {"TWILIO_AUTH_TOKEN", "tok"},
                       {"TWILIO_API_BASE", "http://127.0.0.1:9/2010-04-01"}};
  start_call();
  ai_says("bye", 500);
  caf::anon_send(call, tool_atom::value, tool_call{"call_4", "end_call", "{}"});
  run();
  EXPECT_TRUE(ai->has(R"(tool_done:call_4:{"ok":true})"));
  EXPECT_FALSE(call_down);  // the goodbye is still playing
  advance(std::chrono::milliseconds(1000));
  EXPECT_TRUE(call_down);
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(fetches[0].request.url,
            "http://127.0.0.1:9/2010-04-01/Accounts/ACtest/Calls/" + std::string(sid) + ".json");
  EXPECT_EQ(fetches[0].request.body, "Status=completed");
  EXPECT_EQ(record->outcome, "end_call");
  EXPECT_TRUE(provider->closed);
}

TEST_F(CallTest, ProviderStopEndsTheCallAndTheAiSession) {
  start_call();
  from_provider(R"({"event":"stop","stop":{"callSid":"CA"}})");
  EXPECT_TRUE(call_down);
  EXPECT_EQ(ai->terminated, 1);
  EXPECT_TRUE(provider->closed);
  EXPECT_EQ(record->outcome, "completed");
}

TEST_F(CallTest, ProviderSocketVanishingEndsTheCall) {
  start_call();
  caf::anon_send(call, closed_atom::value, std::string("connection lost"));
  run();
  EXPECT_TRUE(call_down);
  EXPECT_EQ(ai->terminated, 1);
  EXPECT_EQ(record->outcome, "provider_closed: connection lost");
}

TEST_F(CallTest, ShutdownEndsTheCallAndItsAiSession) {
  start_call();
  caf::anon_send_exit(call, caf::exit_reason::user_shutdown);
  run();
  EXPECT_TRUE(call_down);
  EXPECT_EQ(record->outcome, "shutdown");
  EXPECT_EQ(ai->terminated, 1);
  EXPECT_TRUE(provider->closed);
}

TEST_F(CallTest, AiErrorExitIsReportedAsAiFailed) {
  // An AI session that fails mid-call, as one whose socket the AI closes does.
  env->make_ai = [](caf::actor_system& s, ai_session_args) {
    return s.spawn([](ai_session_actor::pointer me) -> ai_session_actor::behavior_type {
      return {
          [me](caller_atom, audio_chunk&) { me->quit(caf::make_error(caf::sec::runtime_error, "AI socket closed")); },
          [](truncate_atom, std::string&, std::uint32_t) {},
          [](tool_done_atom, tool_result&) {},
          [](dtmf_atom, std::string&) {},
          [](to_call_atom, ai_audio_sink&) {},
      };
    });
  };
  start_call();
  caf::anon_send(call, ai_state_atom::value, ai_state::ready);  // it had been working
  run();
  EXPECT_FALSE(call_down);
  from_provider(twilio_media(160));
  EXPECT_TRUE(call_down);  // at once: no apology once the AI has been ready
  EXPECT_EQ(record->outcome, "ai_failed");
  EXPECT_TRUE(provider->closed);
}

TEST_F(CallTest, MalformedFramesAreCountedAndTheCallGoesOn) {
  start_call();
  from_provider("{broken");
  from_provider(R"({"event":"media","media":{"payload":"not base64!"}})");
  from_provider(R"({"event":"media"})");
  EXPECT_FALSE(call_down);
  EXPECT_EQ(metrics.bad_frames.value_of({"twilio", "bad base64"}), 1);
  from_provider(twilio_media(160));
  EXPECT_TRUE(ai->has("caller:160"));
}

TEST_F(CallTest, DtmfReachesTheAi) {
  start_call();
  from_provider(R"({"event":"dtmf","dtmf":{"track":"inbound_track","digit":"7"}})");
  EXPECT_TRUE(ai->has("dtmf:7"));
}

TEST_F(CallTest, ASecondAttachIsRefused) {
  start_call();
  auto second = std::make_shared<fake_channel>();
  caf::anon_send(call, attach_atom::value, pending_socket{second, provider_named("twilio"), ""}, start_info(sid));
  run();
  EXPECT_TRUE(second->closed);
  EXPECT_FALSE(provider->closed);
}

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
