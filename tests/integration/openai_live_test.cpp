// Calls through AI_BACKEND=openai-live against the GPT-Live simulator (tools/sim/openai_live):
// a Twilio and a Telnyx call with G.711 both ways and no transcoder, the greeting, a tool round trip
// in each delegation mode, DTMF, a clean hang-up from each side, and the barge-in figure: how much
// audio the caller hears after the model stops, with the model speaking at real time and faster.
#include "openai_live_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;
using namespace std::chrono_literals;

TEST_F(LiveGatewayTest, ATwilioCallStreamsG711BothWaysGreetsDelegatesAndHangsUp) {
  // The billed time is a series from the first scrape, so a dashboard's cost panel shows 0, not "No data".
  EXPECT_EQ(metric(R"(voxgate_ai_session_seconds_count{backend="openai-live"})"), 0);
  EXPECT_NE(get("/metrics").body.find(R"(voxgate_ai_session_seconds_sum{backend="openai-live"} 0)"), std::string::npos);
  auto res = twilio->post_voice_webhook(sid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);

  // session.start while the phone rings: exactly the documented fields (the simulator's schema is
  // strict and would have refused anything else), G.711 as the call's, client delegation.
  auto start = session_start();
  ASSERT_TRUE(start.IsObject());
  EXPECT_EQ(live->invalid_starts(), 0);
  EXPECT_STREQ(start["session"]["model"].GetString(), "gpt-live-1");
  EXPECT_STREQ(start["session"]["audio"]["format"]["type"].GetString(), "audio/pcmu");
  EXPECT_EQ(start["session"]["audio"]["format"]["rate"].GetInt(), 8000);
  EXPECT_STREQ(start["session"]["audio"]["output"]["voice"].GetString(), "marin");
  EXPECT_STREQ(start["session"]["delegation"]["type"].GetString(), "client");
  EXPECT_FALSE(start["session"]["store"].GetBool());

  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_connected();
  twilio->send_start(sid, stream->parameters);
  // Caller audio goes on unchanged and in order, as session.input_audio.append.
  std::vector<std::string> sent;
  for (int i = 0; i < 10; ++i) {
    sent.emplace_back(160, static_cast<char>(0x30 + i));
    twilio->send_media(sent.back());
  }
  std::size_t at = 0;
  for (int i = 0; i < 10; ++i) {
    auto append = live->events()->wait_for_field("type", "session.input_audio.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << "append " << i;
    EXPECT_EQ(decoded_field(*append, "audio"), sent[static_cast<std::size_t>(i)]);
  }
  // The greeting is asked for as an instruction, once audio flows.
  auto greeting = live->events()->wait_for_field("type", "session.instructions.append", 5s);
  ASSERT_TRUE(greeting);
  EXPECT_TRUE(has(*greeting, "Greet the caller"));
  EXPECT_TRUE(has(*greeting, R"("delegation_id":null)"));
  // The model's audio (the simulator echoes) reaches the caller as it came: no transcoder.
  auto media = twilio->received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  rapidjson::Document m;
  m.Parse(media->c_str());
  EXPECT_EQ(codecs::base64::decode(m["media"]["payload"].GetString())->substr(0, 160), sent[0]);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="transcoder"})"), 0);

  // Client delegation: the business's endpoint gets the call's routing data and the transcript,
  // and its answer goes back as commentary for that delegation.
  live->send(R"({"type":"session.input_transcript.delta","event_id":"e1","delta":"Where is my order?","start_ms":0,"end_ms":900})");
  live->delegate("del_1");
  ASSERT_TRUE(tools.wait_requests(1, 5s));
  rapidjson::Document body;
  body.Parse(tools.requests()[0].body.c_str());
  EXPECT_STREQ(body["tool"].GetString(), "delegate");
  EXPECT_STREQ(body["tool_call_id"].GetString(), "del_1");
  EXPECT_STREQ(body["parameters"]["businessId"].GetString(), "acme");
  EXPECT_STREQ(body["arguments"]["transcript"][0]["speaker"].GetString(), "caller");
  EXPECT_STREQ(body["arguments"]["transcript"][0]["text"].GetString(), "Where is my order?");
  auto commentary = live->events()->wait_for_field("type", "session.commentary.append", 5s);
  ASSERT_TRUE(commentary);
  EXPECT_TRUE(has(*commentary, R"("delegation_id":"del_1")"));
  EXPECT_TRUE(has(*commentary, "shipped"));

  // DTMF reaches the model as an instruction.
  twilio->send_dtmf("7");
  ASSERT_TRUE(live->events()->wait_for([](const std::string& f) { return has(f, "pressed the key 7"); }, 5s));

  // Usage becomes the call's cost; the caller hangs up: session.close, session.closed, then the socket.
  live->usage(42);
  ASSERT_TRUE(eventually([&] { return has(get("/calls").body, R"("state":"streaming")"); }));
  twilio->send_stop(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_TRUE(live->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="twilio",outcome="completed"})"), 1);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_ai_session_seconds_count{backend="openai-live"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_ai_session_seconds_sum{backend="openai-live"})"), 42);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_actors_live{actor="ai_openai_live"})") == 0; }));
  EXPECT_EQ(openai->sessions(), 0);  // the Realtime API was never touched
}

TEST_F(LiveResponsesTest, ResponsesDelegationRunsTheBusinessToolsAndEndCallHangsUp) {
  auto res = twilio->post_voice_webhook(sid, "businessId=acme");
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  auto start = session_start();
  ASSERT_TRUE(start.IsObject());
  EXPECT_EQ(live->invalid_starts(), 0);
  const auto& responses = start["session"]["delegation"]["responses"];
  EXPECT_STREQ(start["session"]["delegation"]["type"].GetString(), "responses");
  EXPECT_STREQ(responses["model"].GetString(), "gpt-5.5");
  ASSERT_EQ(responses["tools"].Size(), 2u);
  EXPECT_STREQ(responses["tools"][0]["name"].GetString(), "lookup_order");
  EXPECT_STREQ(responses["tools"][1]["name"].GetString(), "end_call");
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_connected();
  twilio->send_start(sid, stream->parameters);
  twilio->send_media(std::string(160, '\x7f'));

  // A function call inside response.event: the endpoint, then its output and the turn that continues.
  live->call_function("call_9", "lookup_order", R"({"id":"42"})");
  ASSERT_TRUE(tools.wait_requests(1, 5s));
  rapidjson::Document body;
  body.Parse(tools.requests()[0].body.c_str());
  EXPECT_STREQ(body["tool"].GetString(), "lookup_order");
  EXPECT_STREQ(body["arguments"]["id"].GetString(), "42");
  std::size_t at = 0;
  auto output = live->events()->wait_for_field("type", "response.item.create", 5s, 0, &at);
  ASSERT_TRUE(output);
  EXPECT_TRUE(has(*output, R"("call_id":"call_9")"));
  EXPECT_TRUE(has(*output, "shipped"));
  ASSERT_TRUE(live->events()->wait_for_field("type", "response.create", 5s, at + 1));
  // Nothing the simulator refused (a commentary with a delegation id would be, under Responses).
  EXPECT_EQ(live->events()->count_field("type", "session.commentary.append"), 0u);

  // end_call stays the gateway's: answered, then the provider hangs up over REST.
  live->call_function("call_10", "end_call", "{}");
  ASSERT_TRUE(live->events()->wait_for([](const std::string& f) { return has(f, R"("call_id":"call_10")"); }, 5s));
  ASSERT_TRUE(rest.wait_requests(1, 5s));
  EXPECT_TRUE(has(rest.requests()[0].target, sid));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="end_call"})") == 1; }));
}

TEST_F(LiveGatewayTest, ASessionClosedByTheServerEndsTheCallCleanly) {
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.input_audio.append", 5s));
  live->close_session("expired");
  // The AI is done: the provider hangs up over REST, the call ends as ai_ended, not ai_failed.
  ASSERT_TRUE(rest.wait_requests(1, 5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_ended"})") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="twilio",outcome="ai_failed"})"), 0);
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
}

TEST_F(LiveTelnyxTest, ATelnyxCallStreamsG711BothWaysAndEndsOnHangup) {
  ASSERT_EQ(telnyx.post_event("evt-1", "call.initiated", ccid, session).status, 200u);
  auto start = session_start();
  ASSERT_TRUE(start.IsObject());
  EXPECT_EQ(live->invalid_starts(), 0);
  EXPECT_STREQ(start["session"]["audio"]["format"]["type"].GetString(), "audio/pcmu");
  ASSERT_TRUE(telnyx.rest().wait_requests(1, 5s));
  rapidjson::Document answer;
  answer.Parse(telnyx.rest().requests()[0].body.c_str());
  std::string stream_url = answer["stream_url"].GetString();
  ASSERT_EQ(telnyx.open_media(stream_url, ""), "");
  telnyx.send_start(ccid, session, "PCMU");
  telnyx.send_media(1, std::string(160, '\x11'));
  telnyx.send_media(2, std::string(160, '\x22'));
  auto first = live->events()->wait_for_field("type", "session.input_audio.append", 5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(decoded_field(*first, "audio"), std::string(160, '\x11'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.instructions.append", 5s));  // the greeting
  auto media = telnyx.received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="transcoder"})"), 0);

  // A tool round trip by client delegation, as on Twilio.
  live->delegate("del_t");
  auto commentary = live->events()->wait_for_field("type", "session.commentary.append", 5s);
  ASSERT_TRUE(commentary);
  EXPECT_TRUE(has(*commentary, R"("delegation_id":"del_t")"));

  // DTMF comes as a webhook and reaches the model as an instruction.
  ASSERT_EQ(telnyx.post_event("evt-2", "call.dtmf.received", ccid, session, R"(,"digit":"3")").status, 200u);
  ASSERT_TRUE(live->events()->wait_for([](const std::string& f) { return has(f, "pressed the key 3"); }, 5s));

  ASSERT_EQ(telnyx.post_event("evt-3", "call.hangup", ccid, session, R"(,"hangup_cause":"normal_clearing")").status,
            200u);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_TRUE(live->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="telnyx",outcome="completed"})") == 1; }));
}

// Barge-in without a truncate: GPT-Live stops its audio inside the model and says nothing of it.
// What the caller hears after that is what the carrier and the gateway still hold. The gateway's
// look-ahead is small for this backend, and when the caller's words arrive while audio plays it
// clears the carrier. Printed: audio heard after the model stopped, at real time and faster.
TEST_F(LiveGatewayTest, AfterTheModelStopsTheCallerHearsLittleAtAnyPace) {
  connect_call(sid);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.start", 5s));
  twilio->send_media(std::string(160, '\x7f'));
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.input_audio.append", 5s));
  struct run {
    const char* name;
    double pace;
  };
  for (auto [name, pace] : {run{"real time", 1.0}, run{"4x real time", 4.0}, run{"all at once", 0.0}}) {
    auto clears_before = twilio->received()->count_field("event", "clear");
    live->speak(5000ms, pace);
    ASSERT_TRUE(eventually([&] { return twilio->handset().queued() > 0ms; }));
    auto started = twilio->handset().played();
    ASSERT_TRUE(eventually([&] { return twilio->handset().played() >= started + 1000ms; }, 10s));
    live->interrupt("wait, stop", 300ms);  // ASR lag: the caller's words come 300 ms after they cut in
    auto at_stop = twilio->handset().played();
    // Long after anything could still play: 2 s.
    std::this_thread::sleep_for(2000ms);
    auto heard_after = twilio->handset().played() - at_stop;
    bool cleared = twilio->received()->count_field("event", "clear") > clears_before;
    std::printf("[ figure ] GPT-Live, model speaking %s: %lld ms heard after the model stopped (clear sent: %s)\n",
                name, static_cast<long long>(heard_after.count()), cleared ? "yes" : "no");
    // Faster than real time, the gateway holds seconds of the model's audio when it stops: only the
    // clear on the caller's words keeps the caller from hearing them (up to 3.75 s here).
    if (pace != 1.0) {
      EXPECT_TRUE(cleared) << name;
    }
    EXPECT_LE(heard_after, 1500ms) << name;
    EXPECT_EQ(twilio->handset().queued(), 0ms);
  }
}

namespace {
class LiveTelnyxResponsesTest : public LiveTelnyxTest {
 protected:
  std::string delegation() const override { return "responses"; }
};
}  // namespace

TEST_F(LiveTelnyxResponsesTest, ATelnyxCallRunsTheBusinessToolsByResponsesDelegation) {
  ASSERT_EQ(telnyx.post_event("evt-1", "call.initiated", ccid, session).status, 200u);
  auto start = session_start();
  ASSERT_TRUE(start.IsObject());
  EXPECT_EQ(live->invalid_starts(), 0);
  EXPECT_STREQ(start["session"]["delegation"]["type"].GetString(), "responses");
  ASSERT_TRUE(telnyx.rest().wait_requests(1, 5s));
  rapidjson::Document answer;
  answer.Parse(telnyx.rest().requests()[0].body.c_str());
  ASSERT_EQ(telnyx.open_media(answer["stream_url"].GetString(), ""), "");
  telnyx.send_start(ccid, session, "PCMU");
  telnyx.send_media(1, std::string(160, '\x55'));
  auto first = live->events()->wait_for_field("type", "session.input_audio.append", 5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(decoded_field(*first, "audio"), std::string(160, '\x55'));

  live->call_function("call_t1", "lookup_order", R"({"id":"7"})");
  ASSERT_TRUE(tools.wait_requests(1, 5s));
  rapidjson::Document body;
  body.Parse(tools.requests()[0].body.c_str());
  EXPECT_STREQ(body["tool"].GetString(), "lookup_order");
  EXPECT_STREQ(body["call_id"].GetString(), ccid);
  std::size_t at = 0;
  auto output = live->events()->wait_for_field("type", "response.item.create", 5s, 0, &at);
  ASSERT_TRUE(output);
  EXPECT_TRUE(has(*output, R"("call_id":"call_t1")"));
  EXPECT_TRUE(has(*output, "shipped"));
  ASSERT_TRUE(live->events()->wait_for_field("type", "response.create", 5s, at + 1));

  ASSERT_EQ(telnyx.post_event("evt-2", "call.hangup", ccid, session, R"(,"hangup_cause":"normal_clearing")").status,
            200u);
  ASSERT_TRUE(live->events()->wait_for_field("type", "session.close", 5s));
  EXPECT_TRUE(live->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="telnyx",outcome="completed"})") == 1; }));
}
