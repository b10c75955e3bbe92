// Whole Plivo calls through the real server, against Plivo's simulated side (tools/sim/plivo): the signed
// answer webhook -> <Stream> XML with the token in the path -> the media socket -> audio both ways, paced
// by checkpoints the handset answers only once their audio has played -> barge-in (clearAudio and a
// truncate) -> DTMF -> the caller hangs up (socket closed, or a stop) or the AI does (REST DELETE).
#include "gateway_fixture.hpp"
#include "tools/sim/plivo.hpp"
#include "tools/sim/plivo_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* plivo_token = "test-plivo-auth-token";
constexpr const char* auth_id = "MAVOXGATESIM00000000";
const std::string call_uuid = "4f0a7e2c-1b7d-4c53-9a61-2e4b7d8f9a10";

class PlivoGatewayTest : public GatewayTest {
 protected:
  std::unique_ptr<sim::plivo_call> plivo;

  void customize(app::config& c) override {
    plivo = std::make_unique<sim::plivo_call>(sim::plivo_call::options{"", public_url, plivo_token, auth_id});
    ASSERT_EQ(plivo->start_rest(), "");
    c.provider_settings["PLIVO_AUTH_TOKEN"] = plivo_token;
    c.provider_settings["PLIVO_AUTH_ID"] = auth_id;
    c.provider_settings["PLIVO_API_BASE"] = plivo->rest_base();
  }
  void SetUp() override {
    GatewayTest::SetUp();
    plivo->set_gateway(gateway_url());
  }
  void TearDown() override {
    plivo.reset();
    GatewayTest::TearDown();
  }

  // The answer webhook, its <Stream>, the media socket and the start: the call streams.
  std::string connect_call() {
    auto res = plivo->post_answer(call_uuid, "businessId=acme");
    EXPECT_EQ(res.status, 200u) << res.body << res.error;
    EXPECT_EQ(plivo->open_stream(res.body), "") << res.body;
    plivo->send_start(call_uuid);
    return res.body;
  }
};

}  // namespace

TEST_F(PlivoGatewayTest, AWholeCallWithAudioBothWaysBargeInAndTheCallerHangingUp) {
  // 1. The answer: Plivo XML streaming µ-law both ways to the public wss URL, the token in its path.
  auto res = plivo->post_answer(call_uuid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_NE(net::header_or(res.headers, "Content-Type").find("text/xml"), std::string::npos);
  auto stream = sim::plivo::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream) << res.body;
  EXPECT_EQ(stream->bidirectional, "true");
  EXPECT_EQ(stream->keep_call_alive, "true");
  EXPECT_EQ(stream->content_type, "audio/x-mulaw;rate=8000");
  EXPECT_EQ(stream->url.rfind("wss://gw.example.test/plivo/media/", 0), 0u) << stream->url;
  EXPECT_EQ(stream->url.find('?'), std::string::npos);

  // 2. The AI connects while the phone rings, in G.711 µ-law: no transcoding.
  auto update = openai->events()->wait_for_field("type", "session.update", 5s);
  ASSERT_TRUE(update);
  EXPECT_NE(update->find(R"("input":{"format":{"type":"audio/pcmu"})"), std::string::npos);

  // 3. The media socket; the caller's audio reaches the AI as it was sent, in order.
  ASSERT_EQ(plivo->open_stream(res.body), "");
  plivo->send_start(call_uuid);
  std::vector<std::string> spoken;
  for (int i = 0; i < 10; ++i) {
    spoken.emplace_back(160, static_cast<char>(0x10 + i));
    plivo->send_media(spoken.back());
  }
  std::size_t at = 0;
  for (int i = 0; i < 10; ++i) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << "append " << i;
    EXPECT_EQ(*codecs::base64::decode(parsed(*append)["audio"].GetString()), spoken[static_cast<std::size_t>(i)]);
  }

  // 4. The AI's audio reaches the caller as playAudio, followed by checkpoints on this stream.
  openai->send(audio_delta("item_1", std::string(8000, '\x42')));  // one second
  auto play = plivo->received()->wait_for_field("event", "playAudio", 5s);
  ASSERT_TRUE(play);
  auto first_audio = std::chrono::steady_clock::now();
  auto p = parsed(*play);
  EXPECT_STREQ(p["media"]["contentType"].GetString(), "audio/x-mulaw");
  EXPECT_EQ(p["media"]["sampleRate"].GetInt(), 8000);
  auto audio = *codecs::base64::decode(p["media"]["payload"].GetString());
  EXPECT_EQ(audio, std::string(audio.size(), '\x42'));
  auto checkpoint = plivo->received()->wait_for_field("event", "checkpoint", 5s);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(std::string(parsed(*checkpoint)["streamId"].GetString()), plivo->stream_id());
  // The handset answers the first checkpoint only once the audio before it has played.
  auto played = plivo->sent()->wait_for_field("event", "playedStream", 5s);
  ASSERT_TRUE(played);
  std::string name = parsed(*played)["name"].GetString();
  auto end_ms = std::stoll(name.substr(name.rfind('.') + 1));
  EXPECT_GE(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - first_audio).count(),
      end_ms - 40)
      << name;

  // 5. Barge-in while the AI speaks: clearAudio (answered with clearedAudio) and a truncate at what was heard.
  ASSERT_TRUE(eventually([&] { return plivo->played() >= 300ms; }));
  auto heard_before = plivo->played();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  auto clear = plivo->received()->wait_for_field("event", "clearAudio", 5s);
  ASSERT_TRUE(clear);
  auto heard_after = plivo->played();
  EXPECT_EQ(std::string(parsed(*clear)["streamId"].GetString()), plivo->stream_id());
  std::size_t cleared_at = 0;
  ASSERT_TRUE(plivo->sent()->wait_for_field("event", "clearedAudio", 5s, 0, &cleared_at));
  EXPECT_EQ(plivo->queued(), 0ms);
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  auto t = parsed(*truncate);
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);

  // 6. The next reply plays; the cleared checkpoints were never answered (they would have come first).
  openai->send(audio_delta("item_2", std::string(1600, '\x24')));
  auto next = plivo->sent()->wait_for(
      [](const std::string& f) {
        return f.find(R"("event":"playedStream")") != std::string::npos &&
               f.find(R"("name":"g1.)") != std::string::npos;
      },
      5s, cleared_at);
  ASSERT_TRUE(next);
  auto sent = plivo->sent()->snapshot();
  for (std::size_t i = cleared_at + 1; i < sent.size(); ++i)
    if (sent[i].find(R"("event":"playedStream")") != std::string::npos &&
        sent[i].find(R"("name":"g0.)") != std::string::npos)
      ADD_FAILURE() << "a cleared checkpoint was answered: " << sent[i];

  // 7. DTMF on the media socket reaches the AI.
  plivo->send_dtmf("5");
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 5") != std::string::npos; }, 5s));
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"plivo")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("state":"streaming")"), std::string::npos) << calls;
  EXPECT_TRUE(plivo->protocol_errors().empty()) << plivo->protocol_errors().front();

  // 8. The caller hangs up: Plivo just closes the socket (it documents no stop), which is the caller's
  // hang-up. The AI socket closes; the call is gone, completed.
  plivo->hang_up();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="plivo",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="plivo",result="accepted"})"), 1);
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/plivo/media/<redacted>",result="accepted",reason="ok"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="plivo"})"), 1);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="plivo",direction="in"})"), 10);
  EXPECT_EQ(plivo->rest_calls().size(), 0u);  // the caller hung up: nothing to hang up over REST
}

TEST_F(PlivoGatewayTest, AStopFrameEndsTheCallAsCompleted) {
  connect_call();
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  plivo->send_stop();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(plivo->received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="plivo",outcome="completed"})") == 1; }));
}

TEST_F(PlivoGatewayTest, EndCallToolHangsUpThroughPlivoRest) {
  connect_call();
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(plivo->wait_rest_calls(1, 5s));
  auto call = plivo->rest_calls()[0];
  EXPECT_EQ(call.method, "DELETE");
  EXPECT_EQ(call.target, "/v1/Account/" + std::string(auth_id) + "/Call/" + call_uuid + "/");
  EXPECT_EQ(call.status, 204u);  // Basic auth with PLIVO_AUTH_ID:PLIVO_AUTH_TOKEN was accepted
  EXPECT_EQ(plivo->account_wide_hangups(), 0);
  EXPECT_TRUE(plivo->received()->wait_closed(5s));
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="plivo",outcome="end_call"})") == 1; }));
  EXPECT_EQ(plivo->rest_calls().size(), 1u);
}

TEST_F(PlivoGatewayTest, BadOrMissingSignaturesAreRefused) {
  auto tampered = plivo->post_answer(call_uuid, "", sim::plivo_call::signing::tampered);
  EXPECT_EQ(tampered.status, 403u);
  auto unsigned_ = plivo->post_answer(call_uuid, "", sim::plivo_call::signing::none);
  EXPECT_EQ(unsigned_.status, 403u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="plivo",result="bad_signature"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="plivo",result="missing_signature"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);
  // Signed over the URL Plivo called, query included: a valid one passes.
  EXPECT_EQ(plivo->post_answer(call_uuid, "businessId=acme").status, 200u);
}

TEST_F(PlivoGatewayTest, AMediaSocketWithABadTokenIsRefusedAtTheUpgrade) {
  auto res = plivo->post_answer(call_uuid);
  ASSERT_EQ(res.status, 200u);
  auto url = sim::plivo::parse_stream_instruction(res.body)->url;
  // A token altered by one character: refused at the upgrade, three times (Plivo retries twice).
  auto forged = url;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_NE(plivo->open_media(forged), "");
  EXPECT_EQ(
      metric(
          R"(voxgate_ws_upgrade_attempts_total{path="/plivo/media/<redacted>",result="refused",reason="bad_token_signature"})"),
      3);
  EXPECT_NE(plivo->open_media("wss://gw.example.test/plivo/media/not-a-token"), "");
  EXPECT_EQ(
      metric(
          R"(voxgate_ws_upgrade_attempts_total{path="/plivo/media/<redacted>",result="refused",reason="malformed_token"})"),
      3);
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/plivo/media/<redacted>",result="accepted",reason="ok"})"), 0);
  // The good token still works.
  ASSERT_EQ(plivo->open_media(url), "");
  plivo->send_start(call_uuid);
  EXPECT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
}
