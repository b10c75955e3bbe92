// One whole Twilio call through the real server: webhook -> TwiML -> media both ways -> barge-in
// -> tool call -> DTMF -> stop -> the call is gone from /calls and from the metrics. Also a call the
// tools place (marked simulated), and a caller whose AI cannot be reached (they hear an apology).
#include "codecs/g711.hpp"
#include "gateway_fixture.hpp"
#include "net/providers/twilio/signature.hpp"
#include "tools/sim/twilio_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {
constexpr const char* sid = "CA0123456789abcdef0123456789abcdef";

std::string decoded_field(const std::string& json, const char* field) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return *codecs::base64::decode(d[field].GetString());
}
}  // namespace

TEST_F(GatewayTest, AWholeCallFromWebhookToHangup) {
  // 1. The webhook: TwiML names the public wss URL with no query; routing data rides in <Parameter>s.
  auto res = twilio->post_voice_webhook(sid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_NE(net::header_or(res.headers, "Content-Type").find("text/xml"), std::string::npos);
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream) << res.body;
  // The path carries the call's token (Twilio keeps paths, drops queries); so does a <Parameter>.
  ASSERT_NE(net::find_param(stream->parameters, "token"), nullptr);
  EXPECT_EQ(stream->url, "wss://gw.example.test/twilio/media/" + *net::find_param(stream->parameters, "token"));
  ASSERT_NE(net::find_param(stream->parameters, "businessId"), nullptr);
  EXPECT_EQ(*net::find_param(stream->parameters, "businessId"), "acme");
  EXPECT_EQ(*net::find_param(stream->parameters, "callSid"), sid);
  ASSERT_NE(net::find_param(stream->parameters, "token"), nullptr);

  // 2. The AI session connects while the phone rings, configured for G.711 both ways.
  auto update = openai->events()->wait_for_field("type", "session.update", 5s);
  ASSERT_TRUE(update);
  EXPECT_NE(update->find(R"("input":{"format":{"type":"audio/pcmu"})"), std::string::npos);
  EXPECT_NE(update->find("lookup_order"), std::string::npos);
  EXPECT_NE(update->find("end_call"), std::string::npos);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "response.create", 5s));  // the AI greets first

  // 3. The media socket, signed the way Twilio signs it.
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_connected();
  twilio->send_start(sid, stream->parameters);
  std::vector<std::string> sent;
  for (int i = 0; i < 10; ++i) {
    sent.emplace_back(160, static_cast<char>(0x10 + i));
    twilio->send_media(sent.back());
  }
  std::size_t at = 0;
  for (int i = 0; i < 10; ++i) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << "append " << i;
    EXPECT_EQ(decoded_field(*append, "audio"), sent[static_cast<std::size_t>(i)]);  // passthrough, in order
  }

  // 4. AI audio comes back as media with marks, paced (the fake echoes marks as played).
  openai->send(audio_delta("item_1", std::string(8000, '\x42')));
  auto media = twilio->received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  EXPECT_NE(media->find(twilio->stream_sid()), std::string::npos);
  ASSERT_TRUE(twilio->received()->wait_for_field("event", "mark", 5s));

  // 5. Barge-in: the caller talks over the AI, once the handset has played some of its audio.
  ASSERT_TRUE(eventually([&] { return twilio->handset().played() >= 300ms; }));
  auto heard_before = twilio->handset().played();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  ASSERT_TRUE(twilio->received()->wait_for_field("event", "clear", 5s));
  auto heard_after = twilio->handset().played();
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  rapidjson::Document t;
  t.Parse(truncate->c_str());
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_LE(t["audio_end_ms"].GetInt(), 1000);  // never past what was received
  // What the handset really played, bounded on both sides (the estimate runs on marks echoed after
  // playback, so it may trail by a little; a truncate at 0 ms or at what was sent fails here).
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);

  // 6. A tool call reaches the business's endpoint with the call's routing data, and comes back.
  openai->send(
      R"({"type":"response.function_call_arguments.done","response_id":"resp_2","item_id":"item_3","output_index":0,"call_id":"call_77","name":"lookup_order","arguments":"{\"id\":\"42\"}"})");
  ASSERT_TRUE(tools.wait_requests(1, 5s));
  rapidjson::Document body;
  body.Parse(tools.requests()[0].body.c_str());
  EXPECT_STREQ(body["call_id"].GetString(), sid);
  EXPECT_STREQ(body["parameters"]["businessId"].GetString(), "acme");
  EXPECT_STREQ(body["arguments"]["id"].GetString(), "42");
  auto output = openai->events()->wait_for(
      [](const std::string& f) { return f.find("function_call_output") != std::string::npos; }, 5s);
  ASSERT_TRUE(output);
  EXPECT_NE(output->find("shipped"), std::string::npos);
  EXPECT_NE(output->find("call_77"), std::string::npos);

  // 7. DTMF reaches the AI as a conversation item.
  twilio->send_dtmf("5");
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 5") != std::string::npos; }, 5s));

  // 8. /calls shows the live call while it streams.
  auto calls = get("/calls");
  EXPECT_NE(calls.body.find(R"("state":"streaming")"), std::string::npos) << calls.body;
  // Who calls whom, through which AI (the webhook's From and To).
  EXPECT_NE(calls.body.find(R"("from":"+15005550006","to":"+15005550006","ai":"openai-realtime")"), std::string::npos)
      << calls.body;
  EXPECT_EQ(calls.body.find("simulated"), std::string::npos) << calls.body;

  // 9. The caller hangs up: the AI socket closes and the call is gone everywhere.
  auto hung_up = std::chrono::steady_clock::now();
  twilio->send_stop(sid);
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  std::printf("[ figure ] caller stop -> AI socket closed: %.1f ms\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - hung_up).count());
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="twilio",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_calls_active{provider="twilio",state="streaming"})"), 0);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="twilio",result="accepted"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_ws_upgrade_attempts_total{path="/twilio/media/<redacted>",result="accepted",reason="ok"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="twilio"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="ai_openai_realtime"})"), 0);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="twilio",direction="in"})"), 10);
  // The greeting's first audio was timed (session ready -> first delta).
  EXPECT_EQ(metric(R"(voxgate_ai_time_to_first_audio_seconds_count{backend="openai-realtime"})"), 1);
  EXPECT_GE(metric(R"(voxgate_actor_messages_total{actor="call"})"), 20);
}

TEST_F(GatewayTest, CallerAudioBeforeTheAiIsReadyIsHeldNotDropped) {
  openai->defer_session_updated();
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  for (int i = 0; i < 25; ++i) twilio->send_media(std::string(160, static_cast<char>(i)));
  ASSERT_TRUE(eventually([&] { return metric(R"(voxgate_frames_total{provider="twilio",direction="in"})") == 25; }));
  EXPECT_EQ(openai->events()->count_field("type", "input_audio_buffer.append"), 0u);  // nothing before session.updated
  openai->release_session_updated();
  std::size_t at = 0;
  for (int i = 0; i < 25; ++i) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << i;
    EXPECT_EQ(decoded_field(*append, "audio"), std::string(160, static_cast<char>(i)));  // all of it, in order
  }
}

TEST_F(GatewayTest, EndCallToolHangsUpThroughTwilioRest) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(rest.wait_requests(1, 5s));
  auto req = rest.requests()[0];
  EXPECT_EQ(req.target, "/2010-04-01/Accounts/AC_test_account/Calls/" + std::string(sid) + ".json");
  EXPECT_EQ(req.body, "Status=completed");
  EXPECT_EQ(net::header_or(req.headers, "authorization").rfind("Basic ", 0), 0u);
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="end_call"})") == 1; }));
}

// The tools (voxgate probe/call/load) say so in X-VoxGate-Simulated: /calls shows it and the calls
// are counted apart, so that real traffic can be told from tests. Nothing else changes.
TEST_F(GatewayTest, ACallPlacedByVoxGatesToolsIsMarkedSimulated) {
  auto form = sim::twilio::voice_webhook_form(sid);
  const std::string target = "/twilio/voice?businessId=acme";
  net::http_client_request req;
  req.method = "POST";
  req.url = gateway_url() + target;
  req.headers = {{"content-type", "application/x-www-form-urlencoded"},
                 {"x-twilio-signature", net::twilio::compute_signature(auth_token, public_url + target, form)},
                 {"X-VoxGate-Simulated", "call"}};
  req.body = net::encode_form(form);
  auto res = fakes::fetch_sync(twilio->io(), std::move(req));
  ASSERT_EQ(res.status, 200u) << res.body;
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream) << res.body;
  EXPECT_NE(get("/calls").body.find(R"("simulated":"call")"), std::string::npos) << get("/calls").body;
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_start(sid, stream->parameters);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  twilio->send_stop(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="twilio",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_simulated_calls_total{provider="twilio",outcome="completed"})"), 1);
}

namespace {

class UnreachableAiCallTest : public GatewayTest {
  void customize(app::config& c) override { c.ai_settings["OPENAI_REALTIME_URL"] = "ws://127.0.0.1:1/v1/realtime"; }
};

// The loudest sample in a Twilio media frame's u-law payload.
int loudest(const std::string& frame) {
  rapidjson::Document d;
  d.Parse(frame.c_str());
  if (!d.IsObject() || !d.HasMember("media")) return 0;
  auto audio = codecs::base64::decode(d["media"]["payload"].GetString());  // kept: the loop reads into it
  if (!audio) return 0;
  int peak = 0;
  for (unsigned char code : *audio)
    peak = std::max(peak, std::abs(static_cast<int>(codecs::g711::ulaw_to_linear(code))));
  return peak;
}

}  // namespace

// An AI that cannot be reached at all used to leave the caller on a dead line until the socket closed.
// The caller now hears a short spoken apology, and then the call ends as ai_failed.
TEST_F(UnreachableAiCallTest, TheCallerHearsAnApologyBeforeTheCallEnds) {
  connect_call(sid);
  auto spoken = twilio->received()->wait_for(
      [](const std::string& f) { return f.find(R"("event":"media")") != std::string::npos && loudest(f) > 2000; }, 10s);
  ASSERT_TRUE(spoken) << "the caller heard nothing";
  EXPECT_FALSE(twilio->received()->closed());
  ASSERT_TRUE(twilio->received()->wait_closed(15s));
  // The whole apology went out before the close: about three seconds of audio.
  EXPECT_GE(twilio->received()->count_field("event", "media"), 20u);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-realtime",code="connect"})"), 1);
}
