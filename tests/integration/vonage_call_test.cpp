// Whole Vonage calls through the real gateway, Vonage played by tools/sim/vonage over 127.0.0.1: the
// signed answer webhook -> an NCCO connecting a websocket with the token in its path -> websocket:connected
// -> the caller's PCM16 in binary 20 ms frames to the AI and the AI's audio back in exact 20 ms frames,
// played in real time with notifies answered once played -> barge-in (clear, websocket:cleared and a
// truncate) -> DTMF -> hang-ups from every side (the caller, the completed event, the AI over REST).
#include <cstdio>
#include <fstream>

#include "gateway_fixture.hpp"
#include "tools/sim/ids.hpp"
#include "tools/sim/vonage.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* secret = "test-vonage-signature-secret";
constexpr const char* application_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const std::string call_uuid = "63f61863-4a51-4f6b-86e1-46edebcf9356";

class VonageGatewayTest : public GatewayTest {
 protected:
  std::unique_ptr<sim::vonage_call> vonage;
  std::string key_path;
  bool answer_by_post = false;  // the application's answer_method

  void customize(app::config& c) override {
    auto [private_key, public_key] = sim::vonage::generate_key_pair();  // a test-only key, never committed
    key_path = ::testing::TempDir() + "vonage_gateway_test_" + sim::random_uuid() + ".pem";
    std::ofstream(key_path) << private_key;
    sim::vonage_call::options o;
    o.signature_secret = secret;
    o.application_id = application_id;
    o.public_key_pem = public_key;
    o.answer_by_post = answer_by_post;
    vonage = std::make_unique<sim::vonage_call>(o);
    ASSERT_EQ(vonage->start_rest(), "");
    c.provider_settings["VONAGE_SIGNATURE_SECRET"] = secret;
    c.provider_settings["VONAGE_APPLICATION_ID"] = application_id;
    c.provider_settings["VONAGE_PRIVATE_KEY_PATH"] = key_path;
    c.provider_settings["VONAGE_API_URL"] = vonage->rest_base();
  }
  void SetUp() override {
    GatewayTest::SetUp();
    vonage->set_gateway(gateway_url());
  }
  void TearDown() override {
    vonage.reset();
    GatewayTest::TearDown();
    std::remove(key_path.c_str());
  }

  void connect_call() {
    auto res = vonage->answer(call_uuid, "businessId=acme");
    ASSERT_EQ(res.status, 200u) << res.body << res.error;
    ASSERT_EQ(vonage->ncco_error(), "") << res.body;
    ASSERT_EQ(vonage->connect(), "");
    ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
    // The AI's socket opens beside the media socket: what a test has the AI send needs it up first.
    ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  }
};

}  // namespace

TEST_F(VonageGatewayTest, AWholeCallWithAudioBothWaysBargeInDtmfAndTheCallersHangup) {
  // 1. The answer: an NCCO Vonage accepts, connecting one websocket at the public wss URL with the token
  //    in its path, L16 at 16 kHz, the call's uuid in its headers and our events URL.
  auto res = vonage->answer(call_uuid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(net::header_or(res.headers, "content-type"), "application/json");
  ASSERT_EQ(vonage->ncco_error(), "") << res.body;
  auto uri = vonage->endpoint_uri();
  EXPECT_EQ(uri.rfind("wss://gw.example.test/vonage/media/", 0), 0u) << uri;
  EXPECT_EQ(uri.find('?'), std::string::npos);
  auto endpoint = parsed(vonage->endpoint_json());
  EXPECT_STREQ(endpoint["content-type"].GetString(), "audio/l16;rate=16000");
  EXPECT_EQ(std::string(endpoint["headers"]["call_uuid"].GetString()), call_uuid);
  EXPECT_NE(res.body.find(R"("eventUrl":["https://gw.example.test/vonage/events"])"), std::string::npos) << res.body;
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));

  // 2. Vonage dials the socket; websocket:connected names the call. 200 ms of the caller's audio in ten
  //    640-byte frames reaches the AI (as µ-law at 8 kHz: about 1600 bytes).
  ASSERT_EQ(vonage->connect(), "");
  vonage->speak(std::string(6400, '\x10'));
  std::size_t heard = 0, at = 0;
  for (int i = 0; heard < 1200; ++i) {
    auto append = openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s, i == 0 ? 0 : at + 1, &at);
    ASSERT_TRUE(append) << "after " << heard << " bytes";
    heard += codecs::base64::decode(parsed(*append)["audio"].GetString())->size();
  }
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"vonage")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("parameters":{"businessId":"acme"})"), std::string::npos) << calls;

  // 3. One second of the AI's audio comes back as binary frames of exactly 640 bytes (a wrong size
  //    would end the stream: the sim records it), played in real time; notifies answered once played.
  openai->send(audio_delta("item_1", std::string(8000, '\x42')));
  ASSERT_TRUE(eventually([&] { return vonage->frames_received() >= 10; }))
      << (vonage->protocol_errors().empty() ? "no frames" : vonage->protocol_errors().front());
  auto notify = vonage->received()->wait_for_field("action", "notify", 5s);
  ASSERT_TRUE(notify);
  EXPECT_NE(notify->find(R"("payload":{"mark":"g0.)"), std::string::npos) << *notify;
  ASSERT_TRUE(eventually([&] { return vonage->notifies_answered() >= 1; }));
  EXPECT_TRUE(vonage->protocol_errors().empty()) << vonage->protocol_errors().front();
  auto audio = vonage->audio_received();
  EXPECT_EQ(audio.size() % 640, 0u);
  EXPECT_NE(audio.substr(640, 640), std::string(640, '\0'));  // the AI's audio, not silence

  // 4. Barge-in while the AI speaks: a clear (answered with websocket:cleared), the queue emptied, and
  //    a truncate at what the caller heard.
  ASSERT_TRUE(eventually([&] { return vonage->played() >= 300ms; }));
  auto heard_before = vonage->played();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  ASSERT_TRUE(vonage->received()->wait_for_field("action", "clear", 5s));
  auto heard_after = vonage->played();
  ASSERT_TRUE(vonage->sent()->wait_for_field("event", "websocket:cleared", 5s));
  EXPECT_EQ(vonage->clears(), 1u);
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  auto t = parsed(*truncate);
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);

  // 5. The next reply, 130 ms (not whole frames), still leaves in exact frames, its tail padded.
  auto frames_before = vonage->frames_received();
  openai->send(audio_delta("item_2", std::string(1040, '\x24')));
  ASSERT_TRUE(eventually([&] { return vonage->frames_received() >= frames_before + 7; }));
  EXPECT_TRUE(vonage->protocol_errors().empty()) << vonage->protocol_errors().front();

  // 6. DTMF on the socket reaches the AI; an event the gateway does not know is ignored.
  vonage->send_text(R"({"event":"websocket:something-new","detail":{"x":1}})");
  vonage->send_dtmf('5');
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 5") != std::string::npos; }, 5s));
  EXPECT_NE(get("/calls").body.find(R"("state":"streaming")"), std::string::npos);

  // 7. The caller hangs up: Vonage closes the socket (and posts completed). The call ends, completed.
  vonage->hang_up();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="vonage",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="vonage",result="accepted"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="vonage"})"), 1);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="vonage",direction="in"})"), 10);
  EXPECT_TRUE(vonage->rest_calls().empty());  // the caller hung up: nothing to hang up over REST
}

TEST_F(VonageGatewayTest, EndCallToolHangsUpThroughVonagesRestApi) {
  connect_call();
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(vonage->wait_rest_calls(1, 5s));
  auto call = vonage->rest_calls()[0];
  EXPECT_EQ(call.method, "PUT");
  EXPECT_EQ(call.target, "/v1/calls/" + call_uuid);
  EXPECT_EQ(call.status, 204u);  // the RS256 application token verified with the public key
  EXPECT_TRUE(vonage->received()->wait_closed(5s));
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="vonage",outcome="end_call"})") == 1; }));
  // The caller's leg completes (after the websocket leg's disconnected, as the gateway closed the socket
  // while its hang-up was on the way).
  auto completed = std::pair<std::string, unsigned>{"completed", 200};
  ASSERT_TRUE(eventually([&] {
    auto posted = vonage->events_posted();
    return std::find(posted.begin(), posted.end(), completed) != posted.end();
  }));
  EXPECT_EQ(vonage->rest_calls().size(), 1u);
}

TEST_F(VonageGatewayTest, TheCompletedEventEndsTheCall) {
  connect_call();
  auto res = vonage->post_event(sim::vonage::event_json(call_uuid, call_uuid, "completed"));
  EXPECT_EQ(res.status, 200u) << res.body;
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(vonage->received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="vonage",outcome="completed"})") == 1; }));
  // Ours, and the sim's own once the gateway closed the socket (Vonage posts it as the call completes).
  EXPECT_GE(metric(R"(voxgate_webhooks_total{provider="vonage",result="event"})"), 1);
}

TEST_F(VonageGatewayTest, BadOrMissingSignaturesAreRefused) {
  using signing = sim::vonage_call::signing;
  for (auto how : {signing::tampered, signing::wrong_secret, signing::alg_none, signing::stale})
    EXPECT_EQ(vonage->answer(call_uuid, "", how).status, 401u);
  EXPECT_EQ(vonage->answer(call_uuid, "", signing::none).status, 503u);  // Vonage retries; a retry is signed
  EXPECT_EQ(vonage->post_event(sim::vonage::event_json(call_uuid, call_uuid, "completed"), signing::tampered).status,
            401u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="vonage",result="bad_signature"})"), 5);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="vonage",result="missing_signature"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);
  EXPECT_EQ(vonage->answer(call_uuid, "businessId=acme").status, 200u);
}

TEST_F(VonageGatewayTest, AMediaSocketWithABadTokenIsRefusedAtTheUpgrade) {
  auto res = vonage->answer(call_uuid);
  ASSERT_EQ(res.status, 200u);
  auto uri = vonage->endpoint_uri();
  auto forged = uri;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_NE(vonage->connect(forged), "");
  EXPECT_EQ(
      metric(
          R"(voxgate_ws_upgrade_attempts_total{path="/vonage/media/<redacted>",result="refused",reason="bad_token_signature"})"),
      1);
  EXPECT_NE(vonage->connect("wss://gw.example.test/vonage/media/"), "");
  EXPECT_EQ(get("/calls").body.find("streaming"), std::string::npos);
  ASSERT_EQ(vonage->connect(uri), "");  // the good token still works
  EXPECT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
}

namespace {

class VonagePostAnswerTest : public VonageGatewayTest {
 protected:
  VonagePostAnswerTest() { answer_by_post = true; }
};

}  // namespace

// An application whose answer_method is POST: the same four fields come as a signed JSON body. The
// answer URL's own query is still on the URL, but the signature does not cover it: it is not used.
TEST_F(VonagePostAnswerTest, AnAnswerUrlSetToPostIsAnsweredTheSameWay) {
  using signing = sim::vonage_call::signing;
  EXPECT_EQ(vonage->answer(call_uuid, "", signing::tampered).status, 401u) << "the body is what is signed";
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="vonage",result="bad_signature"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);

  connect_call();
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("from":"447700900000","to":"442079460000")"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("businessId"), std::string::npos) << "an unsigned query routes nothing: " << calls;
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="vonage",result="accepted"})"), 1);
}

namespace {

class VonageNarrowbandTest : public VonageGatewayTest {
 protected:
  void customize(app::config& c) override {
    VonageGatewayTest::customize(c);
    c.provider_settings["VONAGE_AUDIO_RATE"] = "8000";
  }
};

}  // namespace

TEST_F(VonageNarrowbandTest, AtEightKilohertzEveryFrameIs320BytesBothWays) {
  auto res = vonage->answer(call_uuid);
  ASSERT_EQ(res.status, 200u) << res.body;
  ASSERT_EQ(vonage->ncco_error(), "");
  EXPECT_STREQ(parsed(vonage->endpoint_json())["content-type"].GetString(), "audio/l16;rate=8000");
  ASSERT_EQ(vonage->connect(), "");
  vonage->speak(std::string(3200, '\x10'));  // ten 320-byte frames
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  openai->send(audio_delta("item_1", std::string(1000, '\x42')));  // 125 ms: six frames and a padded tail
  ASSERT_TRUE(eventually([&] { return vonage->frames_received() >= 7; }))
      << (vonage->protocol_errors().empty() ? "no frames" : vonage->protocol_errors().front());
  EXPECT_TRUE(vonage->protocol_errors().empty()) << vonage->protocol_errors().front();
  EXPECT_EQ(vonage->audio_received().size(), 7u * 320);
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_frames_total{provider="vonage",direction="in"})") == 10; }));
}
