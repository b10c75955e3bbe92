// The call actor: media both ways, barge-in arithmetic, tool calls, and teardown from every side.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "actors/prompts.hpp"
#include "call_fixture.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::CallTest;
using voxgate::testing::fake_channel;
using voxgate::testing::sid;

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
  env->make_ai = voxgate::testing::ai_failing_on_audio(ai);  // it fails mid-call
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
