// Telnyx calls through the same supervisor and call actor: answer over REST with the stream, routing
// by either id, deduplicated events, hangup racing the media stop, streaming.failed, reordering.
#include "actors/supervisor.hpp"

#include "actor_fixture.hpp"
#include <cmath>

#include "codecs/g711.hpp"
#include "net/call_token.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::ActorTest;
using voxgate::testing::fake_channel;

namespace {

constexpr const char* ccid = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg";
constexpr const char* session = "428c31b6-abf3-3bc1-b7f4-5013ef9657c1";

class TelnyxCallTest : public ActorTest {
 protected:
  supervisor_actor sup;
  codecs::audio_format ai_format_seen{};

  void SetUp() override {
    provider_settings = {{"TELNYX_API_KEY", "KEY"}, {"TELNYX_API_BASE", "http://127.0.0.1:9/v2"}};
    auto probe_make = env->make_ai;
    env->make_ai = [this, probe_make](caf::actor_system& s, ai_session_args args) {
      ai_format_seen = args.format;
      return probe_make(s, std::move(args));
    };
    sup = spawn_supervisor(sys, env);
    run();
  }
  void TearDown() override {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
  }

  call_admission admit(codecs::audio_format format = codecs::audio_format::g711_ulaw()) {
    incoming_call c;
    c.provider = provider_named("telnyx");
    c.call_id = ccid;
    c.session_id = session;
    c.media_format = format;
    c.media_url = "wss://gw.example.test/telnyx/media/";
    c.parameters = {{"businessId", "acme"}};
    self->send(sup, admit_atom::value, std::move(c));
    run();
    call_admission out;
    self->receive([&](call_admission& a) { out = std::move(a); },
                  caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE(); });
    return out;
  }

  std::shared_ptr<fake_channel> stream(const std::string& token, const std::string& encoding = "PCMU") {
    auto ch = std::make_shared<fake_channel>();
    std::string start = R"({"event":"start","sequence_number":"1","stream_id":"S1","start":{"call_control_id":")" +
                        std::string(ccid) + R"(","call_session_id":")" + session + R"(","media_format":{"encoding":")" +
                        encoding + R"(","sample_rate":8000,"channels":1}}})";
    caf::anon_send(caf::actor_cast<supervisor_internal>(sup), hs_frame_atom::value, pending_socket{ch, provider_named("telnyx"), token}, start);
    run();
    return ch;
  }

  void event(call_event_kind kind, const std::string& id, const std::string& call_id = ccid,
             const std::string& session_id = "", const std::string& detail = "") {
    provider_event ev;
    ev.provider = provider_named("telnyx");
    ev.event_id = id;
    ev.kind = kind;
    ev.call_id = call_id;
    ev.session_id = session_id;
    ev.detail = detail;
    caf::anon_send(sup, event_atom::value, std::move(ev));
    run();
  }

  std::uint64_t live() {
    self->send(sup, count_atom::value);
    run();
    std::uint64_t n = 99;
    self->receive([&](std::uint64_t x) { n = x; }, caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE(); });
    return n;
  }

  // The hangup commands sent to Telnyx so far.
  std::size_t hangups() const {
    return static_cast<std::size_t>(std::count_if(fetches.begin(), fetches.end(), [](const auto& f) {
      return f.request.url.find("/actions/hangup") != std::string::npos;
    }));
  }

  static std::string media_of(int chunk, const std::string& audio) {
    return R"({"event":"media","sequence_number":")" + std::to_string(chunk + 1) +
           R"(","media":{"track":"inbound","chunk":")" + std::to_string(chunk) + R"(","timestamp":")" +
           std::to_string(chunk * 20) + R"(","payload":")" + codecs::base64::encode(audio) + R"("},"stream_id":"S1"})";
  }
  static std::string media(int chunk, std::size_t bytes) { return media_of(chunk, std::string(bytes, '\x55')); }
};

}  // namespace

TEST_F(TelnyxCallTest, IncomingCallIsAnsweredWithABidirectionalStreamCarryingItsTokenInThePath) {
  auto a = admit();
  ASSERT_TRUE(a.admitted);
  EXPECT_EQ(ai->spawned, 1);  // the AI connects while Telnyx sets up the stream
  ASSERT_EQ(fetches.size(), 1u);
  const auto& req = fetches[0].request;
  EXPECT_EQ(req.url,
            "http://127.0.0.1:9/v2/calls/v3%3AMdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg/actions/answer");
  rapidjson::Document d;
  d.Parse(req.body.c_str());
  EXPECT_EQ(std::string(d["stream_url"].GetString()), "wss://gw.example.test/telnyx/media/" + a.token);
  EXPECT_FALSE(d.HasMember("stream_auth_token"));  // answer takes none (providers.md 5.3): the path carries it
  EXPECT_STREQ(d["stream_bidirectional_mode"].GetString(), "rtp");
  EXPECT_EQ(net::verify_call_token("test-secret", a.token, ccid, now_unix), net::token_check::ok);
  EXPECT_EQ(*codecs::base64::decode(d["client_state"].GetString()), R"({"businessId":"acme"})");
}

TEST_F(TelnyxCallTest, EndCallHangsUpThroughTelnyxRest) {
  auto a = admit();
  stream(a.token);
  fetches.clear();
  ASSERT_TRUE(ai->listener);
  caf::anon_send(caf::actor_cast<call_actor>(ai->listener), tool_atom::value, tool_call{"c1", "end_call", "{}"});
  run();
  advance(std::chrono::milliseconds(500));
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_NE(fetches[0].request.url.find("/actions/hangup"), std::string::npos);
  EXPECT_EQ(net::header_or(fetches[0].request.headers, "authorization"), "Bearer KEY");
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "end_call"}), 1);
}

TEST_F(TelnyxCallTest, G722HdCallGoesThroughTheTranscoder) {
  auto a = admit(codecs::audio_format::g722());
  EXPECT_EQ(ai_format_seen, codecs::audio_format::g711_ulaw());  // the AI keeps its configured format
  auto ch = stream(a.token, "G722");
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 1);
  ASSERT_TRUE(ch->attached);
  // 5 x 20 ms of G.722 (16 kHz, 160 bytes each) -> about 100 ms of 8 kHz mu-law, less the filter delay.
  for (int i = 1; i <= 5; ++i) ch->attached->on_text(media(i, 160));
  run();
  ASSERT_EQ(ai->entries.size(), 5u);
  std::size_t bytes = 0;
  for (const auto& e : ai->entries) bytes += std::stoul(e.substr(e.find(':') + 1));
  EXPECT_NEAR(static_cast<double>(bytes), 800.0, 60.0);
}

TEST_F(TelnyxCallTest, StreamingStartModeWaitsForCallAnswered) {
  provider_settings["TELNYX_STREAM_MODE"] = "streaming_start";
  admit();
  EXPECT_TRUE(fetches.empty());
  event(call_event_kind::answered, "evt-1");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_NE(fetches[0].request.url.find("/actions/streaming_start"), std::string::npos);
}

TEST_F(TelnyxCallTest, MediaSocketWithTheUpgradeTokenIsHandedToTheCall) {
  auto a = admit();
  auto ch = stream(a.token);
  EXPECT_FALSE(ch->closed);
  EXPECT_TRUE(ch->attached);
  auto bad = stream("v3:other.1.00");
  EXPECT_TRUE(bad->closed);
}

TEST_F(TelnyxCallTest, EventsRouteByEitherIdAndDuplicatesAreDropped) {
  auto a = admit();
  stream(a.token);
  event(call_event_kind::dtmf, "evt-d1", "unknown-ccid", session, "4");  // found by call_session_id
  event(call_event_kind::dtmf, "evt-d1", "unknown-ccid", session, "4");  // a retried delivery
  EXPECT_EQ(std::count(ai->entries.begin(), ai->entries.end(), "dtmf:4"), 1);
  EXPECT_EQ(metrics.webhooks.value_of({"telnyx", "duplicate"}), 1);
  event(call_event_kind::hangup, "evt-h1", "nobody", "no-session");
  EXPECT_EQ(metrics.webhooks.value_of({"telnyx", "unknown_call"}), 1);
  EXPECT_EQ(live(), 1u);
}

TEST_F(TelnyxCallTest, HangupWebhookRacingTheMediaStopEndsTheCallOnce) {
  auto a = admit();
  auto ch = stream(a.token);
  ASSERT_TRUE(ch->attached);
  ch->attached->on_text(R"({"event":"stop","sequence_number":"9","stream_id":"S1"})");
  event(call_event_kind::hangup, "evt-h", ccid, session, "normal_clearing");
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(ai->terminated, 1);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "completed"}), 1);
  EXPECT_EQ(metrics.calls_active.value_of({"telnyx", "streaming"}), 0);
  EXPECT_EQ(hangups(), 0u) << "the caller hung up: nothing to hang up";
}

TEST_F(TelnyxCallTest, StreamingFailedEndsTheCallCleanly) {
  admit();
  event(call_event_kind::stream_failed, "evt-f", ccid, session, "connection refused");
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(ai->terminated, 1);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "stream_failed"}), 1);
  EXPECT_EQ(hangups(), 1u) << "the stream failed, the call did not: the caller would wait in silence";
}

// Telnyx's stream is a fork of the call: closing the media socket leaves the caller on a silent line.
// Every end the caller did not ask for is sent to Telnyx as a hangup too.

TEST_F(TelnyxCallTest, AnAiThatFailsMidCallIsFollowedByAHangup) {
  env->make_ai = voxgate::testing::ai_failing_on_audio(ai);
  auto a = admit();
  auto ch = stream(a.token);
  ASSERT_TRUE(ch->attached);
  fetches.clear();
  caf::anon_send(caf::actor_cast<call_actor>(ai->listener), ai_state_atom::value, ai_state::ready);  // it had worked
  run();
  ch->attached->on_text(media(1, 160));
  run();
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "ai_failed"}), 1);
  EXPECT_TRUE(ch->closed);
  ASSERT_EQ(hangups(), 1u);
  rapidjson::Document d;
  d.Parse(fetches.back().request.body.c_str());
  EXPECT_EQ(std::string(d["command_id"].GetString()), "voxgate-hangup-" + std::string(ccid));
  EXPECT_EQ(fetches.back().request.retries, 3) << "sent again if Telnyx does not take it";
}

TEST_F(TelnyxCallTest, ACallWhoseStreamNeverCameIsHungUp) {
  admit();  // answered with its stream_url
  advance(env->ringing_timeout + std::chrono::milliseconds(1));
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "no_media"}), 1);
  EXPECT_EQ(hangups(), 1u);
}

TEST_F(TelnyxCallTest, CallsEndedByShutdownAreHungUp) {
  auto a = admit();
  stream(a.token);
  caf::anon_send(sup, end_all_atom::value, call_end{outcome::shutdown, {}});  // the gateway's stop
  run();
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "shutdown"}), 1);
  EXPECT_EQ(hangups(), 1u);
}

TEST_F(TelnyxCallTest, AnswerRefusedBecauseTheCallEndedEndsItQuietly) {
  admit();
  ASSERT_EQ(fetches.size(), 1u);
  net::http_client_response r;
  r.status = 422;
  r.body = R"({"errors":[{"code":"90018","title":"Call has already ended"}]})";
  fetches[0].done(r);
  run();
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "completed"}), 1);
  EXPECT_EQ(fetches.size(), 1u);  // never retried
}

TEST_F(TelnyxCallTest, AnswerRefusedForAuthEndsTheCallWithAReason) {
  admit();
  net::http_client_response r;
  r.status = 401;
  r.body = R"({"errors":[{"code":"10009","title":"Authentication failed"}]})";
  fetches[0].done(r);
  run();
  EXPECT_EQ(live(), 0u);
  EXPECT_EQ(metrics.calls_total.value_of({"telnyx", "telnyx_answer_failed"}), 1);
  EXPECT_EQ(fetches.size(), 1u);
}

TEST_F(TelnyxCallTest, PcmaPassesThroughToTheAiWithNoTranscoding) {
  auto a = admit(codecs::audio_format::g711_alaw());
  EXPECT_EQ(ai_format_seen, codecs::audio_format::g711_alaw());
  stream(a.token, "PCMA");
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 0);
}

TEST_F(TelnyxCallTest, AnnouncedCodecOtherThanAskedGetsTranscoded) {
  auto a = admit(codecs::audio_format::g711_ulaw());
  auto ch = stream(a.token, "PCMA");  // asked for PCMU, Telnyx fell back to the leg's PCMA
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 1);
  // The AI's audio now goes through the new transcoder, not to the call and back.
  EXPECT_TRUE(ai->has("to_call"));
  EXPECT_NE(caf::actor_cast<caf::actor>(ai->audio), caf::actor_cast<caf::actor>(ai->listener));
  ASSERT_TRUE(ch->attached);
  // A 440 Hz tone in A-law from the caller reaches the AI as the same tone in mu-law: decode both
  // sides and compare sample by sample (within the two laws' quantisation), not just the byte count.
  std::vector<std::int16_t> tone(160);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = static_cast<std::int16_t>(6000 * std::sin(2 * 3.14159265 * 440 * static_cast<double>(i) / 8000));
  std::string alaw(tone.size(), '\0');
  codecs::g711::encode_alaw(tone, {reinterpret_cast<std::uint8_t*>(alaw.data()), alaw.size()});
  ch->attached->on_text(media_of(1, alaw));
  run();
  ASSERT_EQ(ai->caller_audio.size(), alaw.size());
  EXPECT_NE(ai->caller_audio, alaw);  // not passed through as A-law
  std::vector<std::int16_t> sent(alaw.size()), got(alaw.size());
  codecs::g711::decode_alaw({reinterpret_cast<const std::uint8_t*>(alaw.data()), alaw.size()}, sent);
  codecs::g711::decode_ulaw({reinterpret_cast<const std::uint8_t*>(ai->caller_audio.data()), alaw.size()}, got);
  for (std::size_t i = 0; i < sent.size(); ++i)
    ASSERT_NEAR(got[i], sent[i], std::max(64, std::abs(sent[i]) / 16)) << "sample " << i;
}

TEST_F(TelnyxCallTest, MediaChunksAreReorderedBeforeTheAi) {
  auto a = admit();
  auto ch = stream(a.token);
  ASSERT_TRUE(ch->attached);
  ch->attached->on_text(media(1, 160));
  ch->attached->on_text(media(3, 162));
  ch->attached->on_text(media(2, 161));
  run();
  EXPECT_EQ(ai->entries, (std::vector<std::string>{"caller:160", "caller:161", "caller:162"}));
}

// The answer command has no sampling-rate field (providers.md 5.3): L16 at 16 kHz is answered
// plainly, and streamed with streaming_start (rate and token included) once the call is answered.
TEST_F(TelnyxCallTest, L16At16kIsAnsweredPlainlyThenStreamedWithItsRate) {
  auto a = admit(codecs::audio_format::l16(16000));
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_NE(fetches[0].request.url.find("/actions/answer"), std::string::npos);
  rapidjson::Document d;
  d.Parse(fetches[0].request.body.c_str());
  EXPECT_FALSE(d.HasMember("stream_url")) << fetches[0].request.body;
  fetches.clear();
  event(call_event_kind::answered, "ev-answered");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_NE(fetches[0].request.url.find("/actions/streaming_start"), std::string::npos);
  d.Parse(fetches[0].request.body.c_str());
  EXPECT_EQ(d["stream_bidirectional_sampling_rate"].GetInt(), 16000);
  EXPECT_STREQ(d["stream_bidirectional_codec"].GetString(), "L16");
  EXPECT_EQ(std::string(d["stream_auth_token"].GetString()), a.token);
}
