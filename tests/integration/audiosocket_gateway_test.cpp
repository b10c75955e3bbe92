// Whole Asterisk AudioSocket calls through the real gateway, Asterisk played by tools/sim/audiosocket
// over 127.0.0.1: the dialplan's CURL of /audiosocket/voice answered with a fresh UUID -> AudioSocket()
// dialling the TCP listener with it -> caller slin to the AI as G.711 and the AI's audio back as 20 ms
// slin frames at real-time pace, silence while the AI is silent -> barge-in -> DTMF -> hang-up from each
// side. Also the refusals: an unknown or replayed UUID, a socket that names none, a bad secret.
#include <cmath>

#include "gateway_fixture.hpp"
#include "test_audio.hpp"
#include "net/providers/audiosocket/media.hpp"
#include "tools/sim/audiosocket.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* secret = "as-shared-secret";

class AudioSocketGatewayTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.provider_settings["AUDIOSOCKET_PORT"] = "0";
    c.provider_settings["AUDIOSOCKET_SECRET"] = secret;
  }

  sim::audiosocket_call::options asterisk(std::string s = secret) {
    sim::audiosocket_call::options o;
    o.gateway = gateway_url();
    o.secret = std::move(s);
    o.media_port = gateway->tcp_media_port("audiosocket");
    return o;
  }

  // A call up to a streaming socket.
  void connect(sim::audiosocket_call& pbx) {
    auto res = pbx.dial("+4930123456", "100", "businessId=acme");
    ASSERT_EQ(res.status, 200u) << res.body << res.error;
    ASSERT_EQ(pbx.connect(), "");
    ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  }

  long refused(const std::string& reason) {
    return metric(R"(voxgate_media_sockets_refused_total{provider="audiosocket",reason=")" + reason + "\"}");
  }
};

}  // namespace

TEST_F(AudioSocketGatewayTest, AWholeCallWithAudioBothWaysPacedBargeInDtmfAndTheCallersHangup) {
  sim::audiosocket_call pbx(asterisk());
  // 1. The dialplan's CURL: the answer is the call's UUID alone, as text, ready for AudioSocket().
  auto res = pbx.dial("+4930123456", "100", "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(net::header_or(res.headers, "content-type").substr(0, 10), "text/plain");
  ASSERT_TRUE(net::audiosocket::parse_uuid(res.body)) << res.body;
  EXPECT_EQ(res.body[14], '4');

  // 2. The AI connects while Asterisk dials the listener; it hears G.711, the transcoder converts.
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  ASSERT_EQ(pbx.connect(), "");
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"audiosocket")"), std::string::npos) << calls;
  EXPECT_NE(calls.find("\"id\":\"" + pbx.uuid() + "\""), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("from":"+4930123456","to":"100")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("parameters":{"businessId":"acme"})"), std::string::npos) << calls;

  // 3. The AI is silent: the gateway keeps the line fed with silence (Asterisk's 2 s watchdog).
  ASSERT_TRUE(eventually([&] { return pbx.audio_frames() >= 10; }));
  EXPECT_EQ(pbx.audio().find_first_not_of('\0'), std::string::npos);

  // 4. One second of the caller's tone, 20 ms a frame at real-time pace, reaches the AI as u-law.
  auto said = tone(8000);
  pbx.speak(little_endian(said));
  ASSERT_TRUE(ulaw_is(appended_audio(*openai, said.size()), said));

  // 5. The AI's u-law comes back as slin, exactly the decoded samples, in 20 ms frames at real-time pace.
  auto ai_ulaw = ulaw_of(tone(16000, 6000));
  auto first_300ms = little_endian(samples_of_ulaw(ai_ulaw.substr(0, 2400)));
  openai->send(audio_delta("item_1", ai_ulaw));
  std::size_t speech_at = std::string::npos;
  ASSERT_TRUE(eventually([&] { return (speech_at = pbx.audio().find(first_300ms)) != std::string::npos; }));
  EXPECT_EQ(speech_at % 320, 0u);  // it starts on a frame of its own, after whole frames of silence
  auto speech_heard = [&] { return std::chrono::milliseconds((pbx.audio().size() - speech_at) / 16); };
  // Two seconds of audio went to the gateway at once; the caller gets it at the pace it plays.
  EXPECT_LT(speech_heard(), 1000ms);

  // 6. Barge-in: nothing to clear on AudioSocket; the gateway stops sending the item, and truncates it
  //    at what it handed over (all of which the caller hears).
  auto before = speech_heard();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  auto after = speech_heard();
  rapidjson::Document t;
  t.Parse(truncate->c_str());
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_GE(t["audio_end_ms"].GetInt(), before.count());
  EXPECT_LE(t["audio_end_ms"].GetInt(), after.count() + 60);
  // From then on, silence: what went out before the cut is all the caller hears of item_1.
  auto frames_at_cut = pbx.audio_frames();
  ASSERT_TRUE(eventually([&] { return pbx.audio_frames() >= frames_at_cut + 15; }));
  auto audio = pbx.audio();
  EXPECT_EQ(audio.substr(audio.size() - 10 * 320).find_first_not_of('\0'), std::string::npos);
  EXPECT_LE(
      speech_heard().count() - (static_cast<long>(audio.size()) - static_cast<long>(audio.find_last_not_of('\0'))) / 16,
      t["audio_end_ms"].GetInt() + 20);

  // 7. DTMF on the socket reaches the AI.
  pbx.send_dtmf('5');
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 5") != std::string::npos; }, 5s));

  // 8. The caller hangs up: Asterisk closes the socket, no 0x00; the call ends completed.
  std::printf("[ figure ] audiosocket frames=%zu max_ahead_ms=%lld\n", pbx.audio_frames(),
              static_cast<long long>(pbx.max_ahead().count()));
  EXPECT_TRUE(pbx.protocol_errors().empty()) << pbx.protocol_errors().front();
  pbx.hang_up();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="audiosocket",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="audiosocket",result="accepted"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="audiosocket"})"), 1);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="audiosocket",direction="in"})"), 50);
  EXPECT_EQ(metric(R"(voxgate_bad_frames_total{source="audiosocket",reason="frame of an unknown kind"})"), 0);
}

TEST_F(AudioSocketGatewayTest, TheAisEndCallSendsTheHangupFrameThenCloses) {
  sim::audiosocket_call pbx(asterisk());
  ASSERT_EQ(pbx.dial("+4930123456", "100").status, 200u);
  // The UUID frame in three pieces (an older Asterisk's byte-by-byte header): the same call.
  ASSERT_EQ(pbx.connect_silent(), "");
  auto uuid = net::audiosocket::parse_uuid(pbx.uuid());
  ASSERT_TRUE(uuid);
  auto first = net::audiosocket::frame(0x01, std::string(uuid->begin(), uuid->end()));
  pbx.send_raw(first.substr(0, 1));
  std::this_thread::sleep_for(20ms);
  pbx.send_raw(first.substr(1, 5));
  std::this_thread::sleep_for(20ms);
  pbx.send_raw(first.substr(6));
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(pbx.wait_ended(5s));
  EXPECT_TRUE(pbx.got_hangup_frame());  // 00 00 00: the dialplan goes on at the next priority
  EXPECT_TRUE(
      eventually([&] { return metric(R"(voxgate_calls_total{provider="audiosocket",outcome="end_call"})") == 1; }));
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(pbx.protocol_errors().empty()) << pbx.protocol_errors().front();
}

TEST_F(AudioSocketGatewayTest, AnUnknownOrReplayedUuidOrAFirstFrameThatIsNoUuidIsRefused) {
  // A UUID the gateway never minted.
  sim::audiosocket_call stranger(asterisk());
  ASSERT_EQ(stranger.connect("0d9e4c58-1b0a-4f7e-8d2c-3b4a5c6d7e8f"), "");
  EXPECT_TRUE(stranger.wait_ended(5s));
  EXPECT_TRUE(eventually([&] { return refused("unknown_call") == 1; }));

  // A real call's UUID, used a second time while the first socket streams.
  sim::audiosocket_call pbx(asterisk());
  connect(pbx);
  sim::audiosocket_call replay(asterisk());
  ASSERT_EQ(replay.connect(pbx.uuid()), "");
  EXPECT_TRUE(replay.wait_ended(5s));
  EXPECT_TRUE(eventually([&] { return refused("already_streaming") == 1; }));
  EXPECT_FALSE(pbx.ended());
  EXPECT_NE(get("/calls").body.find("streaming"), std::string::npos);

  // Audio first, no UUID.
  sim::audiosocket_call nameless(asterisk());
  ASSERT_EQ(nameless.connect_silent(), "");
  nameless.send_raw(net::audiosocket::frame(0x10, std::string(320, '\0')));
  EXPECT_TRUE(nameless.wait_ended(5s));
  EXPECT_TRUE(eventually([&] { return refused("first_frame_not_start") == 1; }));
  // A UUID frame of the wrong length.
  sim::audiosocket_call short_uuid(asterisk());
  ASSERT_EQ(short_uuid.connect_silent(), "");
  short_uuid.send_raw(net::audiosocket::frame(0x01, std::string(15, '\x2e')));
  EXPECT_TRUE(short_uuid.wait_ended(5s));
  EXPECT_TRUE(eventually([&] { return refused("malformed_frame") == 1; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="audiosocket",outcome="completed"})"), 0);
}

TEST_F(AudioSocketGatewayTest, ASocketThatNamesNoCallIsClosedAfterTheFirstFrameTimeout) {
  sim::audiosocket_call silent(asterisk());
  ASSERT_EQ(silent.connect_silent(), "");
  EXPECT_TRUE(silent.wait_ended(10s));
  EXPECT_TRUE(eventually([&] { return refused("no_start") == 1; }));
  // Half a header, then nothing: the same.
  sim::audiosocket_call halting(asterisk());
  ASSERT_EQ(halting.connect_silent(), "");
  halting.send_raw(std::string("\x01\x00", 2));
  EXPECT_TRUE(halting.wait_ended(10s));
  EXPECT_TRUE(eventually([&] { return refused("no_start") == 2; }));
}

TEST_F(AudioSocketGatewayTest, TheWebhookSecretIsRequired) {
  sim::audiosocket_call wrong(asterisk("guess"));
  auto res = wrong.dial("+4930123456", "100");
  EXPECT_EQ(res.status, 403u);
  EXPECT_EQ(res.body.find(secret), std::string::npos);
  sim::audiosocket_call anonymous(asterisk(""));
  EXPECT_EQ(anonymous.dial("+4930123456", "100").status, 401u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="audiosocket",result="bad_auth"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="audiosocket",result="missing_auth"})"), 1);
  EXPECT_EQ(get("/calls").body, "[]");
  EXPECT_EQ(openai->sessions(), 0);
  sim::audiosocket_call right(asterisk());
  EXPECT_EQ(right.dial("+4930123456", "100").status, 200u);
  // The same request as a POST form, as a dialplan's CURL(url,data) sends it.
  net::http_client_request post;
  post.method = "POST";
  post.url = gateway_url() + "/audiosocket/voice";
  post.headers = {{"Authorization", std::string("Bearer ") + secret},
                  {"Content-Type", "application/x-www-form-urlencoded"}};
  post.body = "from=%2B4930999&to=200&businessId=acme";
  auto posted = fakes::fetch_sync(twilio->io(), std::move(post));
  ASSERT_EQ(posted.status, 200u) << posted.body;
  ASSERT_TRUE(net::audiosocket::parse_uuid(posted.body));
  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("from":"+4930999","to":"200")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("parameters":{"businessId":"acme"})"), std::string::npos) << calls;
}

namespace {
class AudioSocketOffTest : public GatewayTest {};
}  // namespace

TEST_F(AudioSocketOffTest, WithoutAudioSocketPortThereIsNoListenerAndNoCall) {
  EXPECT_EQ(gateway->tcp_media_port("audiosocket"), 0);
  sim::audiosocket_call pbx({gateway_url(), "", 0, 8000, 60ms});
  auto res = pbx.dial("+4930123456", "100");
  EXPECT_EQ(res.status, 503u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="audiosocket",result="no_listener"})"), 1);
  EXPECT_EQ(openai->sessions(), 0);
}
