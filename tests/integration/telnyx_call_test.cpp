// One whole Telnyx call through the real server: signed call.initiated -> answer recorded with a wss
// stream_url -> media socket with the token -> media both ways -> barge-in -> call.hangup -> gone.
#include "gateway_fixture.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/url.hpp"
#include "tests/fakes/fake_telnyx.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* ccid = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg";
constexpr const char* session = "428c31b6-abf3-3bc1-b7f4-5013ef9657c1";

class TelnyxGatewayTest : public GatewayTest {
 protected:
  fakes::fake_telnyx telnyx;

  void customize(app::config& c) override {
    ASSERT_EQ(telnyx.start_rest(), "");
    c.provider_settings["TELNYX_PUBLIC_KEY"] = telnyx.public_key();
    c.provider_settings["TELNYX_API_KEY"] = "test-telnyx-key";
    c.provider_settings["TELNYX_API_BASE"] = telnyx.rest_base();
  }
  void SetUp() override {
    GatewayTest::SetUp();
    telnyx.set_gateway(gateway_url());
  }

  // The REST commands of one kind (answer, hangup) the gateway sent for call `id`: their bodies.
  std::vector<std::string> commands(const std::string& id, const std::string& action) {
    std::vector<std::string> out;
    for (const auto& r : telnyx.rest().requests())
      if (r.target.find(net::percent_encode(id) + "/actions/" + action) != std::string::npos) out.push_back(r.body);
    return out;
  }
  // Call `id` answered, its AI session the `nth` of the test, and its media streaming.
  void streaming_call(const std::string& id, const std::string& session_id, int nth) {
    ASSERT_EQ(telnyx.post_event("evt-i-" + id, "call.initiated", id, session_id).status, 200u);
    ASSERT_TRUE(eventually([&] { return !commands(id, "answer").empty(); }));
    rapidjson::Document answer;
    answer.Parse(commands(id, "answer")[0].c_str());
    ASSERT_TRUE(answer.IsObject() && answer.HasMember("stream_url"));
    ASSERT_TRUE(eventually([&] { return openai->sessions() == nth; }));
    ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
    ASSERT_EQ(telnyx.open_media(answer["stream_url"].GetString(), ""), "");
    telnyx.send_start(id, session_id, "PCMU");
    ASSERT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
  }

  // The answer command the gateway sent, parsed.
  rapidjson::Document answer_body() {
    rapidjson::Document d;
    EXPECT_TRUE(telnyx.rest().wait_requests(1, 5s));
    auto reqs = telnyx.rest().requests();
    if (!reqs.empty()) d.Parse(reqs[0].body.c_str());
    return d;
  }
};

}  // namespace

TEST_F(TelnyxGatewayTest, AWholeCallFromCallInitiatedToHangup) {
  auto res = telnyx.post_event("evt-1", "call.initiated", ccid, session);
  ASSERT_EQ(res.status, 200u) << res.body;

  // Answered over REST with a bidirectional RTP stream whose URL carries the call's token.
  auto answer = answer_body();
  ASSERT_TRUE(answer.IsObject());
  auto req = telnyx.rest().requests()[0];
  EXPECT_NE(req.target.find("/actions/answer"), std::string::npos);
  EXPECT_EQ(net::header_or(req.headers, "authorization"), "Bearer test-telnyx-key");
  std::string stream_url = answer["stream_url"].GetString();
  EXPECT_EQ(stream_url.rfind("wss://gw.example.test/telnyx/media/", 0), 0u) << stream_url;
  EXPECT_EQ(stream_url.find('?'), std::string::npos);
  EXPECT_STREQ(answer["stream_bidirectional_mode"].GetString(), "rtp");
  EXPECT_STREQ(answer["stream_bidirectional_codec"].GetString(), "PCMU");
  // The answer command takes no stream_auth_token (providers.md 5.3): the token is the path's last
  // segment, and Telnyx sends no x-telnyx-streaming-auth-token header for this stream.
  EXPECT_FALSE(answer.HasMember("stream_auth_token"));
  std::string token = stream_url.substr(stream_url.rfind('/') + 1);

  // The AI connected while Telnyx was setting up the stream.
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));

  // Media socket: the token in the path.
  ASSERT_EQ(telnyx.open_media(stream_url, ""), "");
  telnyx.send_start(ccid, session, "PCMU");
  telnyx.send_media(1, std::string(160, '\x11'));
  telnyx.send_media(3, std::string(160, '\x33'));  // out of order
  telnyx.send_media(2, std::string(160, '\x22'));
  std::size_t at = 0;
  for (char expected : {'\x11', '\x22', '\x33'}) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, at == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append);
    rapidjson::Document d;
    d.Parse(append->c_str());
    EXPECT_EQ(*codecs::base64::decode(d["audio"].GetString()), std::string(160, expected));  // reordered
  }

  // AI audio goes back as Telnyx media frames with marks.
  openai->send(audio_delta("item_1", std::string(4000, '\x42')));
  auto media = telnyx.received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  EXPECT_EQ(media->find("streamSid"), std::string::npos);  // Telnyx's shape, not Twilio's
  ASSERT_TRUE(telnyx.received()->wait_for_field("event", "mark", 5s));

  // Barge-in is the same shared behaviour.
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":100,"item_id":"item_u"})");
  ASSERT_TRUE(telnyx.received()->wait_for_field("event", "clear", 5s));
  ASSERT_TRUE(openai->events()->wait_for_field("type", "conversation.item.truncate", 5s));

  // DTMF arrives as a webhook.
  ASSERT_EQ(telnyx.post_event("evt-2", "call.dtmf.received", ccid, session, R"(,"digit":"9")").status, 200u);
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 9") != std::string::npos; }, 5s));

  EXPECT_NE(get("/calls").body.find(R"("provider":"telnyx")"), std::string::npos);

  // The caller hangs up: the webhook ends the call, the AI socket closes, the call is gone.
  ASSERT_EQ(telnyx.post_event("evt-3", "call.hangup", ccid, session, R"(,"hangup_cause":"normal_clearing")").status,
            200u);
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(telnyx.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="telnyx",outcome="completed"})"), 1);
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/telnyx/media/<redacted>",result="accepted",reason="ok"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="telnyx",result="accepted"})"), 1);
}

TEST_F(TelnyxGatewayTest, UnsignedOrStaleWebhooksAreRefused) {
  auto res = telnyx.post_event("evt-x", "call.initiated", ccid, session, "", false);
  EXPECT_EQ(res.status, 403u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="telnyx",result="bad_signature"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);
}

TEST_F(TelnyxGatewayTest, UnknownEventTypesAreAcknowledgedAndCounted) {
  EXPECT_EQ(telnyx.post_event("evt-m", "call.machine.detection.ended", ccid, session, R"(,"result":"human")").status,
            200u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="telnyx",result="ignored"})"), 1);
}

TEST_F(TelnyxGatewayTest, MediaSocketWithABadTokenIsRefusedAtUpgrade) {
  telnyx.post_event("evt-1", "call.initiated", ccid, session);
  auto answer = answer_body();
  std::string stream_url = answer["stream_url"].GetString();
  EXPECT_NE(telnyx.open_media(stream_url + "x", stream_url.substr(stream_url.rfind('/') + 1) + "x"), "");
  EXPECT_NE(telnyx.open_media(stream_url, "some-other-token"), "");  // header and path disagree
  EXPECT_TRUE(eventually([&] {
    return metric(
               R"(voxgate_ws_upgrade_attempts_total{path="/telnyx/media/<redacted>",result="refused",reason="token_mismatch"})") ==
           1;
  }));
}

TEST_F(TelnyxGatewayTest, StreamingFailedEndsTheCallCleanly) {
  telnyx.post_event("evt-1", "call.initiated", ccid, session);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  telnyx.post_event("evt-2", "streaming.failed", ccid, session, R"(,"failure_reason":"websocket handshake failed")");
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(
      eventually([&] { return metric(R"(voxgate_calls_total{provider="telnyx",outcome="stream_failed"})") == 1; }));
}

// Telnyx's stream is a fork of the call: a call the gateway ends is hung up over REST, or the caller
// would sit on a silent line. Here the AI drops mid-call, then the gateway stops with a call up.
TEST_F(TelnyxGatewayTest, ACallTheGatewayEndsIsHungUpOverRest) {
  auto hangups_of = [&](const std::string& id) { return commands(id, "hangup").size(); };
  streaming_call(ccid, session, 1);
  openai->drop();  // the AI's socket closes mid-call
  ASSERT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="telnyx",outcome="ai_failed"})") == 1; }));
  EXPECT_TRUE(eventually([&] { return hangups_of(ccid) == 1; }));

  const std::string second = "v3:second-call-control-id";
  streaming_call(second, "428c31b6-abf3-3bc1-b7f4-5013ef965702", 2);
  gateway->stop();  // no drain: the call is ended by the stop itself
  EXPECT_EQ(hangups_of(second), 1u);
}

// Telnyx fails the first three tries of a hang-up sent at a stop (503): the stop waits out the tries
// (after 1, 2 and 4 s), and the fourth ends the call, not the process's exit.
TEST_F(TelnyxGatewayTest, AStopWaitsOutTheTriesOfAHangupTelnyxFailsForAFewSeconds) {
  streaming_call(ccid, session, 1);
  constexpr std::size_t refused = 3;
  telnyx.fail_hangups(refused);
  gateway->stop();
  EXPECT_EQ(commands(ccid, "hangup").size(), refused + 1)
      << "every try reached Telnyx, the last one after the three it refused";
}

namespace {

// Webhooks signed with a key of the test's own, so that a test can add headers the fake does not send.
class SimulatedTelnyxTest : public TelnyxGatewayTest {
 protected:
  void customize(app::config& c) override {
    TelnyxGatewayTest::customize(c);
    c.provider_settings["TELNYX_PUBLIC_KEY"] = key.public_key_b64();
  }
  net::http_client_response post_initiated(net::header_list extra) {
    return post("evt-sim", "call.initiated", "", std::move(extra));
  }
  net::http_client_response post(const std::string& id, const std::string& type, const std::string& payload_extra,
                                 net::header_list extra = {}) {
    auto body = sim::telnyx::webhook_event(id, type, ccid, session, payload_extra);
    auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    net::http_client_request req;
    req.method = "POST";
    req.url = gateway_url() + "/telnyx/webhook";
    req.headers = {{"content-type", "application/json"},
                   {"telnyx-timestamp", ts},
                   {"telnyx-signature-ed25519", key.signature_for(ts, body)}};
    for (auto& h : extra) req.headers.push_back(std::move(h));
    req.body = body;
    return fakes::fetch_sync(telnyx.io(), std::move(req));
  }
  sim::telnyx::signing_key key;
};

}  // namespace

// The header rides on call.initiated, the webhook that creates the call: /calls shows the tool that
// placed it, with the call's From and To, and the call is counted apart when it ends.
TEST_F(SimulatedTelnyxTest, ACallInitiatedByAToolIsMarkedSimulated) {
  ASSERT_EQ(post_initiated({{"X-VoxGate-Simulated", "probe"}}).status, 200u);
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("simulated":"probe")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("from":"+13125550100","to":"+13125550199","ai":"openai-realtime")"), std::string::npos) << calls;
  ASSERT_EQ(post("evt-h", "call.hangup", R"(,"hangup_cause":"normal_clearing")").status, 200u);
  ASSERT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_simulated_calls_total{provider="telnyx",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="telnyx",outcome="completed"})"), 1);
}

TEST_F(SimulatedTelnyxTest, AnUnknownToolNameIsOneBoundedValue) {
  ASSERT_EQ(post_initiated({{"X-VoxGate-Simulated", "something-else-entirely"}}).status, 200u);
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("simulated":"other")"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("something-else"), std::string::npos) << calls;
}

TEST_F(SimulatedTelnyxTest, ACallWithoutTheHeaderIsARealCall) {
  ASSERT_EQ(post_initiated({}).status, 200u);
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"telnyx")"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("simulated"), std::string::npos) << calls;
}
