// One whole SignalWire call through the real server, against a fake SignalWire that speaks its cXML
// and its frames as SignalWire documents them: signed voice webhook -> cXML <Connect><Stream> -> an
// unsigned media upgrade with the token -> media both ways -> barge-in -> DTMF -> stream status
// callback -> a bodiless stop -> the call is gone. Also the REST hang-up, the signature's variants,
// the token checks on the media socket, and a stream SignalWire could not open.
#include "gateway_fixture.hpp"
#include "tools/sim/signalwire.hpp"
#include "tools/sim/signalwire_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* sid = "76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad";
constexpr const char* signing_key = "PSKtest-signing-key";
constexpr const char* project = "b3877c40-da60-4998-90ad-b792e98472af";
constexpr const char* api_token = "PTtest-api-token";

using signing = sim::signalwire_sim::signing;

class SignalWireGatewayTest : public GatewayTest {
 protected:
  sim::signalwire_sim signalwire{{public_url, signing_key, project, api_token}};

  void customize(app::config& c) override {
    ASSERT_EQ(signalwire.start(), "");
    c.provider_settings["SIGNALWIRE_SIGNING_KEY"] = signing_key;
    c.provider_settings["SIGNALWIRE_SPACE_URL"] = signalwire.space_url();
    c.provider_settings["SIGNALWIRE_PROJECT_ID"] = project;
    c.provider_settings["SIGNALWIRE_API_TOKEN"] = api_token;
  }
  void SetUp() override {
    GatewayTest::SetUp();
    signalwire.set_gateway(gateway_url());
  }

  // The webhook answered with a <Stream> SignalWire accepts.
  sim::twilio::stream_instruction answer(const std::string& query = "businessId=acme") {
    auto res = signalwire.post_voice_webhook(sid, query);
    EXPECT_EQ(res.status, 200u) << res.body << res.error;
    std::string refusal;
    auto stream = signalwire.read_answer(res.body, &refusal);
    EXPECT_EQ(refusal, "") << res.body;
    return stream;
  }

  // Up to a streaming media socket.
  sim::twilio::stream_instruction connect_call() {
    auto stream = answer();
    EXPECT_EQ(signalwire.open_media(stream), "");
    signalwire.send_connected();
    signalwire.send_start(sid, stream.parameters);
    return stream;
  }
};

std::string decoded_audio(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return *codecs::base64::decode(d["audio"].GetString());
}

}  // namespace

TEST_F(SignalWireGatewayTest, AWholeCallFromWebhookToStop) {
  // 1. The webhook: cXML whose Stream url is wss, carries the call's token in its path and no query;
  // the CallSid, the token and the routing data ride in <Parameter>s; the statusCallback is ours.
  auto res = signalwire.post_voice_webhook(sid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_NE(net::header_or(res.headers, "Content-Type").find("text/xml"), std::string::npos);
  std::string refusal;
  auto stream = signalwire.read_answer(res.body, &refusal);
  ASSERT_EQ(refusal, "") << res.body;
  const auto* token = net::find_param(stream.parameters, "token");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(stream.url, "wss://gw.example.test/signalwire/media/" + *token);
  EXPECT_EQ(*net::find_param(stream.parameters, "callSid"), sid);
  EXPECT_EQ(*net::find_param(stream.parameters, "businessId"), "acme");
  EXPECT_EQ(signalwire.status_callback(), "https://gw.example.test/signalwire/stream-status");

  // 2. The AI session opens while the phone rings, in G.711 μ-law both ways (no transcoding).
  auto update = openai->events()->wait_for_field("type", "session.update", 5s);
  ASSERT_TRUE(update);
  EXPECT_NE(update->find(R"("input":{"format":{"type":"audio/pcmu"})"), std::string::npos);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "response.create", 5s));

  // 3. The media socket: no signature header (SignalWire signs no upgrade), SignalWire's frames.
  ASSERT_EQ(signalwire.open_media(stream), "");
  signalwire.send_connected();
  signalwire.send_start(sid, stream.parameters);
  ASSERT_EQ(signalwire.post_stream_status(sid, "stream-started").status, 200u);
  std::vector<std::string> sent;
  for (int i = 0; i < 10; ++i) {
    sent.emplace_back(160, static_cast<char>(0x20 + i));
    signalwire.send_media(sent.back());
  }
  std::size_t at = 0;
  for (int i = 0; i < 10; ++i) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << "append " << i;
    EXPECT_EQ(decoded_audio(*append), sent[static_cast<std::size_t>(i)]);
  }

  // 4. AI audio goes back as media and marks naming SignalWire's stream (taken from start.streamSid).
  openai->send(audio_delta("item_1", std::string(8000, '\x42')));
  auto media = signalwire.received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  EXPECT_NE(media->find(signalwire.stream_sid()), std::string::npos);
  ASSERT_TRUE(signalwire.received()->wait_for_field("event", "mark", 5s));

  // 5. Barge-in: clear, and the AI's item truncated at what the handset played.
  ASSERT_TRUE(eventually([&] { return signalwire.played() >= 300ms; }));
  auto heard_before = signalwire.played();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  ASSERT_TRUE(signalwire.received()->wait_for_field("event", "clear", 5s));
  auto heard_after = signalwire.played();
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  rapidjson::Document t;
  t.Parse(truncate->c_str());
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);

  // 6. DTMF (with SignalWire's duration, no track) reaches the AI.
  signalwire.send_dtmf("#");
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key #") != std::string::npos; }, 5s));

  // 7. /calls shows the live call, its provider and who called whom.
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"signalwire")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("state":"streaming")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("from":"+15551234567","to":"+18005559876")"), std::string::npos) << calls;

  // 8. SignalWire's stop has no body and no streamSid: the call ends, everywhere.
  signalwire.send_stop();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="signalwire",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_calls_active{provider="signalwire",state="streaming"})"), 0);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="accepted"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="event"})"), 1);  // stream-started
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/signalwire/media/<redacted>",result="accepted",reason="ok"})"),
      1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="signalwire"})"), 1);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="signalwire",direction="in"})"), 10);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
  EXPECT_EQ(signalwire.stray_frames(), 0);          // every frame the gateway sent named the stream
  EXPECT_TRUE(signalwire.rest_requests().empty());  // the caller ended it: no REST hang-up
}

TEST_F(SignalWireGatewayTest, EndCallToolHangsUpThroughTheCompatibilityRestApi) {
  connect_call();
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(signalwire.wait_rest_requests(1, 5s));
  auto req = signalwire.rest_requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/laml/2010-04-01/Accounts/" + std::string(project) + "/Calls/" + sid);
  EXPECT_EQ(req.body, "Status=completed");
  EXPECT_EQ(net::header_or(req.headers, "authorization"),
            "Basic " + codecs::base64::encode(std::string(project) + ":" + api_token));
  EXPECT_TRUE(signalwire.received()->wait_closed(5s));
  EXPECT_TRUE(
      eventually([&] { return metric(R"(voxgate_calls_total{provider="signalwire",outcome="end_call"})") == 1; }));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(SignalWireGatewayTest, WebhooksAreSignedWithTheSigningKeyUnderEitherHeader) {
  // SignalWire's header, the X-Twilio-Signature alias, and the URL signed with ":443" all pass.
  for (auto how : {signing::signalwire_header, signing::twilio_alias, signing::with_port_443}) {
    auto res = signalwire.post_voice_webhook(sid, "businessId=acme", how);
    EXPECT_EQ(res.status, 200u) << static_cast<int>(how) << " " << res.body;
    std::string refusal;
    signalwire.read_answer(res.body, &refusal);
    EXPECT_EQ(refusal, "");
  }
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="accepted"})"), 3);
}

TEST_F(SignalWireGatewayTest, UnsignedOrMissignedWebhooksOpenNothing) {
  EXPECT_EQ(signalwire.post_voice_webhook(sid, "", signing::none).status, 403u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="missing_signature"})"), 1);
  sim::signalwire_sim impostor{{public_url, "not-the-signing-key", project, api_token}};
  ASSERT_EQ(impostor.start(), "");
  impostor.set_gateway(gateway_url());
  EXPECT_EQ(impostor.post_voice_webhook(sid).status, 403u);
  // Signed over another URL than the one requested (a query added on the way).
  auto moved = signalwire.post_form("/signalwire/voice?businessId=other", sim::signalwire::voice_webhook_form(sid));
  EXPECT_EQ(moved.status, 200u);  // signed over what was requested: fine
  net::http_client_request req;
  req.method = "POST";
  req.url = gateway_url() + "/signalwire/voice?businessId=other";
  req.headers = {{"content-type", "application/x-www-form-urlencoded"},
                 {"x-signalwire-signature", "qNvBh5UbTO14f2A/VtpWIWLRr0c="}};
  req.body = net::encode_form(sim::signalwire::voice_webhook_form(sid));
  EXPECT_EQ(fakes::fetch_sync(twilio->io(), std::move(req)).status, 403u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="bad_signature"})"), 2);
  // A Twilio-shaped CallSid is an id like any other; a path-like one is refused as malformed.
  auto form = sim::signalwire::voice_webhook_form("../etc/passwd");
  EXPECT_EQ(signalwire.post_form("/signalwire/voice", form).status, 400u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="malformed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="accepted"})"), 1);
}

TEST_F(SignalWireGatewayTest, TheMediaSocketMustCarryTheCallsToken) {
  auto stream = answer();
  // The start's <Parameter> token is required even when the path carries one.
  ASSERT_EQ(signalwire.open_media(stream), "");
  signalwire.send_connected();
  net::param_list without;
  for (const auto& p : stream.parameters)
    if (p.first != "token") without.push_back(p);
  signalwire.send_start(sid, without);
  EXPECT_TRUE(signalwire.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(R"(voxgate_media_sockets_refused_total{provider="signalwire",reason="missing_token"})") == 1;
  }));
  EXPECT_EQ(metric(R"(voxgate_calls_active{provider="signalwire",state="streaming"})"), 0);
}

TEST_F(SignalWireGatewayTest, AForgedPathTokenIsRefusedAtUpgrade) {
  auto stream = answer();
  auto forged = stream;
  forged.url += "x";  // the token's signature no longer matches
  EXPECT_NE(signalwire.open_media(forged), "");
  EXPECT_TRUE(eventually([&] {
    return metric(
               R"(voxgate_ws_upgrade_attempts_total{path="/signalwire/media/<redacted>",result="refused",reason="bad_token_signature"})") ==
           1;
  }));
  EXPECT_EQ(metric(R"(voxgate_calls_active{provider="signalwire",state="streaming"})"), 0);
}

// Another call's valid token opens the socket, but the start must carry the same token as the path,
// and a token names its call: neither another call's path nor its <Parameter> takes this call over.
TEST_F(SignalWireGatewayTest, AnotherCallsTokenDoesNotTakeThisCallOver) {
  auto stream = answer();
  const std::string other = "0a1b2c3d-0000-4000-8000-000000000001";
  auto res = signalwire.post_voice_webhook(other);
  ASSERT_EQ(res.status, 200u);
  auto other_stream = signalwire.read_answer(res.body);
  ASSERT_EQ(signalwire.open_media(other_stream), "");
  signalwire.send_start(sid, stream.parameters);  // this call's start, over the other call's path
  EXPECT_TRUE(signalwire.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(R"(voxgate_media_sockets_refused_total{provider="signalwire",reason="token_mismatch"})") == 1;
  }));

  sim::signalwire_sim second{{public_url, signing_key, project, api_token}};
  ASSERT_EQ(second.start(), "");
  second.set_gateway(gateway_url());
  ASSERT_EQ(second.open_media(other_stream), "");
  second.send_start(sid, other_stream.parameters);  // this call's id, the other call's token
  EXPECT_TRUE(second.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(R"(voxgate_media_sockets_refused_total{provider="signalwire",reason="token_for_other_call"})") == 1;
  }));
  EXPECT_EQ(metric(R"(voxgate_calls_active{provider="signalwire",state="streaming"})"), 0);
}

TEST_F(SignalWireGatewayTest, TheCallerClosingTheSocketEndsTheCall) {
  connect_call();
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
  signalwire.hang_up_socket();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_TRUE(signalwire.rest_requests().empty());
}

TEST_F(SignalWireGatewayTest, TheBarePathWorksWithTheTokenInTheStartAlone) {
  auto stream = answer();
  auto bare = stream;
  bare.url = "wss://gw.example.test/signalwire/media";
  ASSERT_EQ(signalwire.open_media(bare), "");
  signalwire.send_connected();
  signalwire.send_start(sid, stream.parameters);
  signalwire.send_media(std::string(160, '\x11'));
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
}

TEST_F(SignalWireGatewayTest, AStreamSignalWireCouldNotOpenEndsTheCall) {
  answer();
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  auto res = signalwire.post_stream_status(sid, "stream-error", "connection_refused_timeout_or_ssl_error");
  EXPECT_EQ(res.status, 200u) << res.body << res.error;
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(
      eventually([&] { return metric(R"(voxgate_calls_total{provider="signalwire",outcome="stream_failed"})") == 1; }));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(SignalWireGatewayTest, AFinishedCallsStatusPostedToTheVoiceUrlEndsIt) {
  connect_call();
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
  auto form = sim::signalwire::voice_webhook_form(sid);
  for (auto& [k, v] : form)
    if (k == "CallStatus") v = "completed";
  form.emplace_back("CallDuration", "12");
  EXPECT_EQ(signalwire.post_form("/signalwire/voice", form).status, 200u);
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="signalwire",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="signalwire",result="accepted"})"), 1);
}
