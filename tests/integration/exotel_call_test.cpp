// Whole Exotel calls through the real gateway, its Voicebot applet played by tools/sim/exotel over
// 127.0.0.1: the applet's request answered with a wss URL -> the media socket with Basic auth and the
// token -> caller PCM16 to the AI as G.711 and the AI's audio back as 320-byte-multiple PCM16 chunks,
// played in real time -> barge-in -> DTMF -> hang-up from either side. Also both doors' refusals.
#include <cmath>

#include "gateway_fixture.hpp"
#include "test_audio.hpp"
#include "tests/fakes/raw_ws.hpp"
#include "tools/sim/exotel.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* call_sid = "b6cfaf0bb25dd1c5bc8d57b2b18b1797";
constexpr const char* credentials = "voxgate:s3cret-pass";

std::string decoded_field(const std::string& json, const char* object, const char* field) {
  auto d = parsed(json);
  const auto& holder = object ? d[object] : static_cast<const rapidjson::Value&>(d);
  return codecs::base64::decode(holder[field].GetString()).value_or("");
}

class ExotelGatewayTest : public GatewayTest {
 protected:
  void customize(app::config& c) override { c.provider_settings["EXOTEL_STREAM_AUTH"] = credentials; }

  sim::exotel_options exotel(std::string creds = credentials) {
    sim::exotel_options o;
    o.gateway = gateway_url();
    o.credentials = std::move(creds);
    return o;
  }

  // A call up to a streaming media socket.
  void connect(sim::exotel_call& exo) {
    auto res = exo.dial(call_sid, "businessId=acme");
    ASSERT_EQ(res.status, 200u) << res.body << res.error;
    ASSERT_EQ(exo.open_stream(), "");
    exo.send_connected();
    exo.send_start();
    ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  }

  std::string media_path(const sim::exotel_call& exo) {
    auto url = exo.stream_url();
    auto path = url.substr(url.find("/exotel/"));
    return path.substr(0, path.find('?'));
  }
};

}  // namespace

TEST_F(ExotelGatewayTest, AWholeCallWithAudioBothWaysBargeInDtmfAndTheCallersHangup) {
  sim::exotel_call exo(exotel());
  // 1. The applet's request: the answer names the socket, with the token in its path and the
  //    credentials as its user info (Exotel turns them into the upgrade's Basic auth).
  auto res = exo.dial(call_sid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(net::header_or(res.headers, "content-type"), "application/json");
  auto url = exo.stream_url();
  const std::string prefix = std::string("wss://") + credentials + "@gw.example.test/exotel/media/" + call_sid + ".";
  EXPECT_EQ(url.rfind(prefix, 0), 0u) << url;
  EXPECT_EQ(url.substr(url.size() - 17), "?sample-rate=8000");

  // 2. The AI connects while Exotel opens the stream; it hears G.711, the transcoder converts.
  auto update = openai->events()->wait_for_field("type", "session.update", 5s);
  ASSERT_TRUE(update);
  EXPECT_NE(update->find(R"("input":{"format":{"type":"audio/pcmu"})"), std::string::npos);

  ASSERT_EQ(exo.open_stream(), "");
  exo.send_connected();
  exo.send_start();

  // 3. One second of the caller's tone, in ten 100 ms messages at real-time pace, reaches the AI as
  //    8000 bytes of u-law that decode to the same tone.
  auto said = tone(8000);
  exo.speak(little_endian(said));
  ASSERT_TRUE(ulaw_is(appended_audio(*openai, said.size()), said));

  auto calls = get("/calls").body;
  EXPECT_NE(calls.find(R"("provider":"exotel")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("from":"09876543210","to":"08047491899")"), std::string::npos) << calls;
  EXPECT_NE(calls.find(R"("parameters":{"businessId":"acme"})"), std::string::npos) << calls;

  // 4. The AI's u-law comes back as PCM16: the first chunk is exactly the decoded samples, and every
  //    chunk is whole 20 ms packets, played in real time with marks echoed as played.
  auto ai_ulaw = ulaw_of(tone(8000, 6000));
  openai->send(audio_delta("item_1", ai_ulaw));
  auto first = exo.received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(first);
  EXPECT_NE(first->find(std::string(R"("stream_sid":")") + exo.stream_sid() + "\""), std::string::npos);
  auto pcm = decoded_field(*first, "media", "payload");
  ASSERT_EQ(pcm.size(), 3200u);  // traits().min_chunk_ms: 200 ms
  EXPECT_EQ(pcm, little_endian(samples_of_ulaw(ai_ulaw.substr(0, 1600))));
  ASSERT_TRUE(eventually([&] { return exo.playback().marks_echoed >= 1; }));

  // 5. Barge-in once the caller has heard some of it: clear reaches Exotel (the chunk under way
  //    finishes, the rest is dropped) and the AI's item is truncated at what was heard.
  ASSERT_TRUE(eventually([&] { return exo.played() >= 300ms; }));
  auto heard_before = exo.played();
  openai->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  std::size_t clear_at = 0;
  ASSERT_TRUE(exo.received()->wait_for_field("event", "clear", 5s, 0, &clear_at));
  auto heard_after = exo.played();
  auto truncate = openai->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  rapidjson::Document t;
  t.Parse(truncate->c_str());
  EXPECT_STREQ(t["item_id"].GetString(), "item_1");
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);
  EXPECT_EQ(exo.playback().clears, 1u);
  EXPECT_GT(exo.playback().cleared, 0ms);
  EXPECT_LE(exo.queued(), 200ms);  // at most the chunk that was playing

  // 6. The next reply plays at once: the gateway waits on no mark that the clear swallowed.
  openai->send(audio_delta("item_2", ai_ulaw.substr(0, 4000)));
  ASSERT_TRUE(exo.received()->wait_for_field("event", "media", 5s, clear_at + 1));

  // 7. DTMF on the socket reaches the AI.
  exo.send_dtmf('5');
  ASSERT_TRUE(openai->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 5") != std::string::npos; }, 5s));

  // Every chunk the gateway sent was whole 320-byte packets of exactly Exotel's 3.2 kB minimum, but
  // for the end of a reply, handed over once everything before it had played (item_2's 100 ms).
  auto p = exo.playback();
  std::printf("[ figure ] exotel chunks=%zu bytes=%zu smallest=%zu largest=%zu under_3200=%zu misaligned=%zu\n",
              p.chunks, p.bytes, p.smallest, p.largest, p.short_chunks, p.misaligned);
  EXPECT_EQ(p.misaligned, 0u);
  EXPECT_EQ(p.largest, 3200u);
  EXPECT_LE(p.short_chunks, 1u);
  EXPECT_EQ(p.oversize, 0u);
  EXPECT_EQ(p.bad_payloads, 0u);
  EXPECT_EQ(p.foreign_stream, 0u);

  // 8. The caller hangs up: stop, then the socket's close; the AI's socket closes, the call is gone.
  exo.hang_up();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_calls_total{provider="exotel",outcome="completed"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="exotel",result="accepted"})"), 1);
  EXPECT_EQ(
      metric(R"(voxgate_ws_upgrade_attempts_total{path="/exotel/media/<redacted>",result="accepted",reason="ok"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_barge_ins_total{provider="exotel"})"), 1);
  EXPECT_GE(metric(R"(voxgate_frames_total{provider="exotel",direction="in"})"), 10);
}

// Also the stream applet page's spelling of Exotel's numbers (integers, not strings), end to end.
TEST_F(ExotelGatewayTest, TheAisEndCallClosesTheMediaSocket) {
  auto o = exotel();
  o.integer_numbers = true;
  sim::exotel_call exo(o);
  connect(exo);
  exo.speak(little_endian(tone(1600)));
  ASSERT_TRUE(openai->events()->wait_for_field("type", "input_audio_buffer.append", 5s));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  // No REST hang-up exists for an applet's call: the gateway closes the socket, Exotel's flow moves on.
  ASSERT_TRUE(exo.received()->wait_closed(5s));
  EXPECT_TRUE(exo.closed_by_gateway());
  EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_calls_total{provider="exotel",outcome="end_call"})") == 1; }));
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(rest.requests().empty());
  EXPECT_EQ(metric(R"(voxgate_frames_total{provider="exotel",direction="in"})"), 2);
  EXPECT_EQ(metric(R"(voxgate_bad_frames_total{source="exotel",reason="bad base64"})"), 0);
}

// Exotel does not promise a stop before it closes: the close alone ends the call.
TEST_F(ExotelGatewayTest, TheSocketsCloseWithoutAStopEndsTheCall) {
  sim::exotel_call exo(exotel());
  connect(exo);
  exo.close_socket();
  EXPECT_TRUE(openai->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_TRUE(
      eventually([&] { return metric(R"(voxgate_calls_total{provider="exotel",outcome="provider_closed"})") == 1; }));
}

TEST_F(ExotelGatewayTest, WrongOrMissingBasicAuthIsRefusedAtBothDoors) {
  // The applet's request: no call, no AI session.
  sim::exotel_call wrong(exotel("voxgate:guess"));
  auto res = wrong.dial(call_sid);
  EXPECT_EQ(res.status, 403u);
  EXPECT_EQ(res.body.find("s3cret"), std::string::npos);
  sim::exotel_call anonymous(exotel(""));
  EXPECT_EQ(anonymous.dial(call_sid).status, 401u);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="exotel",result="bad_auth"})"), 1);
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="exotel",result="missing_auth"})"), 1);
  EXPECT_EQ(get("/calls").body, "[]");
  EXPECT_EQ(openai->sessions(), 0);

  // The media socket: a real call's URL and token, the wrong credentials or none.
  sim::exotel_call exo(exotel());
  ASSERT_EQ(exo.dial(call_sid).status, 200u);
  EXPECT_NE(exo.open_stream("Basic " + codecs::base64::encode("voxgate:guess")), "");
  EXPECT_NE(exo.open_stream(std::string()), "");
  fakes::raw_ws bad, missing;
  auto port = static_cast<std::uint16_t>(gateway->port());
  EXPECT_EQ(bad.connect("127.0.0.1", port, media_path(exo),
                        {{"Authorization", "Basic " + codecs::base64::encode("voxgate:guess")}}),
            403);
  EXPECT_EQ(missing.connect("127.0.0.1", port, media_path(exo), {}), 401);
  const std::string upgrades = R"(voxgate_ws_upgrade_attempts_total{path="/exotel/media/<redacted>",result="refused",)";
  EXPECT_TRUE(eventually([&] { return metric(upgrades + R"(reason="bad_auth"})") == 2; }));
  EXPECT_EQ(metric(upgrades + R"(reason="missing_auth"})"), 2);
  // The right credentials still open it.
  EXPECT_EQ(exo.open_stream(), "");
}

TEST_F(ExotelGatewayTest, ABadTokenIsRefusedAtTheMediaSocket) {
  sim::exotel_call exo(exotel());
  ASSERT_EQ(exo.dial(call_sid).status, 200u);
  auto url = exo.stream_url();
  auto tampered = url;
  auto last = tampered.find('?') - 1;
  tampered[last] = tampered[last] == '0' ? '1' : '0';
  EXPECT_NE(exo.open_stream(std::nullopt, tampered), "");
  auto without = url.substr(0, url.rfind('/') + 1) + "?sample-rate=8000";
  EXPECT_NE(exo.open_stream(std::nullopt, without), "");  // no token at all: no route takes it
  EXPECT_TRUE(eventually([&] {
    return metric(
               R"(voxgate_ws_upgrade_attempts_total{path="/exotel/media/<redacted>",result="refused",reason="bad_token_signature"})") ==
           1;
  }));

  // A real token, but the start names another call: refused once the start arrives.
  sim::exotel_call other(exotel());
  ASSERT_EQ(other.dial("c0ffee0000000000000000000000beef").status, 200u);
  ASSERT_EQ(other.open_stream(std::nullopt, url), "");
  other.send_connected();
  other.send_start();
  EXPECT_TRUE(other.received()->wait_closed(5s));

  EXPECT_TRUE(eventually([&] {
    return metric(R"(voxgate_media_sockets_refused_total{provider="exotel",reason="token_for_other_call"})") == 1;
  }));
}

namespace {
class FullExotelGatewayTest : public ExotelGatewayTest {
  void customize(app::config& c) override {
    ExotelGatewayTest::customize(c);
    c.max_calls = 1;
  }
};
}  // namespace

// Refused while full: a 503 with its reason (what Exotel then does is not documented; the flow is
// expected to go on to the applet after Voicebot).
TEST_F(FullExotelGatewayTest, ACallOverCapacityIsRefusedWithAReason) {
  sim::exotel_call first(exotel()), second(exotel());
  ASSERT_EQ(first.dial(call_sid).status, 200u);
  auto res = second.dial("c0ffee0000000000000000000000beef");
  EXPECT_EQ(res.status, 503u);
  EXPECT_NE(res.body.find("full or draining"), std::string::npos);
  EXPECT_TRUE(second.stream_url().empty());
  EXPECT_EQ(metric(R"(voxgate_webhooks_total{provider="exotel",result="refused_capacity"})"), 1);
}
