// The call actor: media both ways, barge-in arithmetic, tool calls, and teardown from every side.
#include "actors/call.hpp"

#include "actor_fixture.hpp"
#include "actors/call_record.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::ActorTest;
using voxgate::testing::fake_channel;

namespace {

constexpr const char* sid = "CA00000000000000000000000000000007";

class CallTest : public ActorTest {
 protected:
  std::shared_ptr<call_record> record = std::make_shared<call_record>();
  call_actor call;
  std::shared_ptr<fake_channel> provider = std::make_shared<fake_channel>();
  caf::actor watcher;  // learns when the call actor ends
  bool call_down = false;

  void SetUp() override {
    record->call.call_id = sid;
    record->call.from = "+15550001";
    record->call.parameters = {{"businessId", "acme"}};
  }

  void start_call(bool attach = true) {
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
      caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_kind::twilio, ""}, start_info(sid));
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
  caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_kind::twilio, ""}, start_info(sid));
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
  env->twilio_account_sid = "ACtest";
  env->twilio_auth_token = "tok";
  env->twilio_api_base = "http://127.0.0.1:9/2010-04-01";
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
          [](ai_open_atom, net::ws_channel_ptr&, std::string&) {},
          [](ai_frame_atom, std::string&) {},
          [](ai_closed_atom, std::string&) {},
          [](tick_atom) {},
      };
    });
  };
  start_call();
  EXPECT_FALSE(call_down);
  from_provider(twilio_media(160));
  EXPECT_TRUE(call_down);
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
  caf::anon_send(call, attach_atom::value, pending_socket{second, provider_kind::twilio, ""}, start_info(sid));
  run();
  EXPECT_TRUE(second->closed);
  EXPECT_FALSE(provider->closed);
}
