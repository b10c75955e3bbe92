#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/providers/telnyx/rest.hpp"
#include "net/providers/telnyx/signature.hpp"
#include "net/providers/telnyx/webhook.hpp"
#include "tests/fakes/ed25519_signer.hpp"

using namespace voxgate;
using namespace voxgate::net::telnyx;

namespace {

std::string envelope(const std::string& type, const std::string& payload_extra = "") {
  return R"({"data":{"record_type":"event","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","event_type":")" + type +
         R"(","occurred_at":"2026-11-21T10:00:00.000000Z","payload":{"call_control_id":"v3:abc:def","call_leg_id":"leg-1",)"
         R"("call_session_id":"sess-1","from":"+13125550100","to":"+13125550199","direction":"incoming","state":"parked",)"
         R"("client_state":null)" +
         payload_extra + R"(}},"meta":{"attempt":1}})";
}

}  // namespace

TEST(TelnyxWebhook, ParsesTheCallEventsTheGatewayActsOn) {
  std::string why;
  auto e = parse_webhook(envelope("call.initiated"), &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->kind, event_kind::call_initiated);
  EXPECT_EQ(e->id, "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0");
  EXPECT_EQ(e->call_control_id, "v3:abc:def");
  EXPECT_EQ(e->call_session_id, "sess-1");
  EXPECT_EQ(e->direction, "incoming");
  auto h =
      parse_webhook(envelope("call.hangup", R"(,"hangup_cause":"normal_clearing","hangup_source":"caller")"), &why);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->kind, event_kind::call_hangup);
  EXPECT_EQ(h->detail, "normal_clearing");
  auto f = parse_webhook(envelope("streaming.failed", R"(,"failure_reason":"connection refused")"), &why);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, event_kind::streaming_failed);
  EXPECT_EQ(f->detail, "connection refused");
  auto d = parse_webhook(envelope("call.dtmf.received", R"(,"digit":"7")"), &why);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, event_kind::dtmf_received);
  EXPECT_EQ(d->detail, "7");
  for (const char* t : {"call.answered", "streaming.started", "streaming.stopped"})
    EXPECT_TRUE(parse_webhook(envelope(t), &why));
}

TEST(TelnyxWebhook, UnknownEventTypesParseAsOther) {
  std::string why;
  auto e = parse_webhook(envelope("call.machine.detection.ended", R"(,"result":"human")"), &why);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, event_kind::other);
}

TEST(TelnyxWebhook, RefusesMalformedEnvelopes) {
  std::string why;
  EXPECT_FALSE(parse_webhook("nope", &why));
  EXPECT_FALSE(parse_webhook(R"({"data":{}})", &why));
  EXPECT_FALSE(parse_webhook(R"({"data":{"id":"x","event_type":"call.hangup","payload":{}}})", &why));
  EXPECT_EQ(why, "call event without call_control_id");
}

// The ids become keys, REST paths and log fields: Telnyx's own forms pass, and a space, a quote or a
// newline is refused before anything uses them.
TEST(TelnyxWebhook, RefusesCallIdsThatAreNotTelnyxIds) {
  for (const char* id : {"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
                         "v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ",
                         "428c31b6-abf3-3bc1-b7f4-5013ef9657c1", "v3:a+b/c="})
    EXPECT_TRUE(is_telnyx_id(id)) << id;
  for (const std::string& id : {std::string(), std::string("v3:abc level=error"), std::string("v3:\"x"),
                                std::string("v3:a\nb"), std::string(257, 'a')})
    EXPECT_FALSE(is_telnyx_id(id)) << id;
  std::string why;
  auto forged = R"({"data":{"id":"e1","event_type":"call.hangup","payload":{"call_control_id":"v3:x call=v3:other"}}})";
  EXPECT_FALSE(parse_webhook(forged, &why));
  EXPECT_NE(why.find("not a Telnyx id"), std::string::npos) << why;
  auto session = R"({"data":{"id":"e1","event_type":"call.hangup",)"
                 R"("payload":{"call_control_id":"v3:x","call_session_id":"a\"b"}}})";
  EXPECT_FALSE(parse_webhook(session, &why));
  const media_codec codec;
  net::media_event ev;
  std::string spaced = R"({"event":"start","stream_id":"s","start":{"call_control_id":"v3:a b"}})";
  std::string spaced_session =
      R"({"event":"start","stream_id":"s","start":{"call_control_id":"v3:a","call_session_id":"x y"}})";
  std::string plain = R"({"event":"start","stream_id":"s","start":{"call_control_id":"v3:a"}})";
  EXPECT_NE(codec.parse(spaced, ev), "");
  EXPECT_NE(codec.parse(spaced_session, ev), "");
  EXPECT_EQ(codec.parse(plain, ev), "");
}

// RFC 8032 section 7.1, TEST 2 and TEST 3: vectors from the Ed25519 specification itself, not made
// by this project or its notes, for the primitive the Telnyx check rests on.
std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(TelnyxSignature, Ed25519MatchesTheRfc8032Vectors) {
  auto pk2 = from_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  auto sig2 = from_hex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(net::crypto::ed25519_verify(pk2, sig2, from_hex("72")));
  auto pk3 = from_hex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
  auto sig3 = from_hex(
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
      "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
  EXPECT_TRUE(net::crypto::ed25519_verify(pk3, sig3, from_hex("af82")));
  // Each vector's signature fails on the other's message and key.
  EXPECT_FALSE(net::crypto::ed25519_verify(pk2, sig2, from_hex("af82")));
  EXPECT_FALSE(net::crypto::ed25519_verify(pk3, sig2, from_hex("72")));
}

TEST(TelnyxSignature, MatchesTheProtocolNotesVector) {
  // From ../shared/reference/providers.md section 7, which calls it self-generated (seed 0x00..0x1f),
  // not Telnyx's: it checks the signed message is "timestamp|body", the RFC vectors the primitive.
  EXPECT_EQ(verify_signature("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=", "1700000000",
                             "aBuTQ1AtxQGraK6PrtJP6VW9Mu+R2aG6TbxS7lim9/ia8dN94a42JYoTifASA18z3xe+GLlYfveWOuyyKq7OCw==",
                             R"({"data":{"event_type":"call.initiated"}})", 1700000000),
            signature_check::ok);
}

TEST(TelnyxSignature, VerifiesKeysMadeWithOpenSslAndRefusesEveryAlteration) {
  fakes::ed25519_signer signer;
  std::string body = envelope("call.initiated");
  std::string ts = "1763700000";
  auto sig = signer.signature_for(ts, body);
  auto key = signer.public_key_b64();
  EXPECT_EQ(verify_signature(key, ts, sig, body, 1763700000), signature_check::ok);
  EXPECT_EQ(verify_signature(key, ts, sig, body + " ", 1763700000), signature_check::bad_signature);
  EXPECT_EQ(verify_signature(key, "1763700001", sig, body, 1763700000), signature_check::bad_signature);
  fakes::ed25519_signer other;
  EXPECT_EQ(verify_signature(other.public_key_b64(), ts, sig, body, 1763700000), signature_check::bad_signature);
  EXPECT_EQ(verify_signature(key, ts, sig, body, 1763700000 + 301), signature_check::stale);
  EXPECT_EQ(verify_signature(key, ts, sig, body, 1763700000 - 301), signature_check::stale);
  EXPECT_EQ(verify_signature(key, "", sig, body, 1763700000), signature_check::missing_headers);
  EXPECT_EQ(verify_signature(key, ts, "", body, 1763700000), signature_check::missing_headers);
  EXPECT_EQ(verify_signature(key, "abc", sig, body, 1763700000), signature_check::bad_timestamp);
  EXPECT_EQ(verify_signature(key, "-5", sig, body, 1763700000), signature_check::bad_timestamp);
  EXPECT_EQ(verify_signature("AAAA", ts, sig, body, 1763700000), signature_check::bad_key);
  EXPECT_TRUE(valid_public_key(key));
  EXPECT_FALSE(valid_public_key("AAAA"));
}

TEST(TelnyxMedia, StartAnnouncesTheCodecActuallyUsed) {
  const media_codec codec;
  std::string f =
      R"({"event":"start","sequence_number":"1","stream_id":"32DE0DEA","start":{"user_id":"u","call_control_id":"v3:abc","call_session_id":"sess-1","from":"+1","to":"+2","client_state":"aGk=","custom_parameters":{"k":"v"},"media_format":{"encoding":"PCMA","sample_rate":8000,"channels":1}}})";
  net::media_event ev;
  ASSERT_EQ(codec.parse(f, ev), "");
  ASSERT_EQ(ev.kind, net::media_kind::start);
  EXPECT_EQ(ev.start->stream_id, "32DE0DEA");
  EXPECT_EQ(ev.start->call_id, "v3:abc");
  EXPECT_EQ(ev.start->session_id, "sess-1");
  EXPECT_EQ(ev.start->format, codecs::audio_format::g711_alaw());
  std::string l16 =
      R"({"event":"start","stream_id":"s","start":{"call_control_id":"c","media_format":{"encoding":"L16","sample_rate":16000}}})";
  ASSERT_EQ(codec.parse(l16, ev), "");
  EXPECT_EQ(ev.start->format, codecs::audio_format::l16(16000));
  std::string opus =
      R"({"event":"start","stream_id":"s","start":{"call_control_id":"c","media_format":{"encoding":"OPUS","sample_rate":48000}}})";
  EXPECT_NE(codec.parse(opus, ev), "");
}

TEST(TelnyxMedia, MediaCarriesItsChunkNumberForReordering) {
  const media_codec codec;
  std::string f =
      R"({"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"2","timestamp":"40","payload":"AAEC"},"stream_id":"s"})";
  net::media_event ev;
  ASSERT_EQ(codec.parse(f, ev), "");
  EXPECT_EQ(ev.kind, net::media_kind::media);
  EXPECT_EQ(ev.sequence, 4u);
  EXPECT_EQ(ev.chunk, 2u);
  EXPECT_EQ(ev.payload, "AAEC");
  std::string err = R"({"event":"error","payload":{"code":100002,"title":"Unknown","detail":"bad frame"}})";
  ASSERT_EQ(codec.parse(err, ev), "");
  EXPECT_EQ(ev.kind, net::media_kind::error);
  EXPECT_EQ(ev.text, "bad frame");
}

TEST(TelnyxMedia, BuildsRtpModeOutboundFrames) {
  const media_codec codec;
  std::string out;
  std::uint8_t audio[2] = {1, 2};
  codec.build_media("s", audio, out);
  rapidjson::Document d;
  d.Parse(out.c_str());
  EXPECT_STREQ(d["event"].GetString(), "media");
  EXPECT_EQ(*codecs::base64::decode(d["media"]["payload"].GetString()), std::string("\1\2"));
  d.Parse(codec.build_mark("s", "g0.1.100").c_str());
  EXPECT_STREQ(d["mark"]["name"].GetString(), "g0.1.100");
  EXPECT_EQ(codec.build_clear("s"), R"({"event":"clear"})");
}

TEST(TelnyxRest, AnswerAttachesABidirectionalRtpStreamWithTheToken) {
  stream_settings s{"wss://gw.example.test/telnyx/media/tok.1.ab", "tok.1.ab", codecs::audio_format::g711_alaw(), {}};
  auto r = answer("https://api.telnyx.com/v2/", "KEY123", "v3:abc:def", s);
  EXPECT_EQ(r.url, "https://api.telnyx.com/v2/calls/v3%3Aabc%3Adef/actions/answer");
  EXPECT_EQ(r.headers[0].second, "Bearer KEY123");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_STREQ(d["stream_url"].GetString(), "wss://gw.example.test/telnyx/media/tok.1.ab");
  EXPECT_STREQ(d["stream_bidirectional_mode"].GetString(), "rtp");
  EXPECT_STREQ(d["stream_bidirectional_codec"].GetString(), "PCMA");
  EXPECT_STREQ(d["stream_track"].GetString(), "inbound_track");
  EXPECT_FALSE(d.HasMember("stream_auth_token"));  // answer takes none; the token is in the URL's path
  EXPECT_STREQ(d["command_id"].GetString(), "voxgate-answer-v3:abc:def");
  auto l16 = streaming_start("https://x/v2", "K", "c", {"wss://u", "t", codecs::audio_format::l16(16000), {}});
  d.Parse(l16.body.c_str());
  EXPECT_EQ(d["stream_bidirectional_sampling_rate"].GetInt(), 16000);
  EXPECT_STREQ(d["stream_auth_token"].GetString(), "t");
  // L16 at 16 kHz cannot be streamed by the answer (no rate field): a plain answer, then streaming_start.
  d.Parse(answer("https://x/v2", "K", "c", {"wss://u", "t", codecs::audio_format::l16(16000), {}}).body.c_str());
  EXPECT_FALSE(d.HasMember("stream_url"));
  EXPECT_TRUE(d.HasMember("command_id"));
  EXPECT_EQ(hangup("https://x/v2", "K", "c").url, "https://x/v2/calls/c/actions/hangup");
  auto dtmf = send_dtmf("https://x/v2", "K", "c", "1#");
  EXPECT_EQ(dtmf.url, "https://x/v2/calls/c/actions/send_dtmf");
  EXPECT_EQ(dtmf.body, R"({"digits":"1#"})");
  auto xfer = transfer("https://x/v2", "K", "c", "+13125550123");
  EXPECT_EQ(xfer.url, "https://x/v2/calls/c/actions/transfer");
  EXPECT_EQ(xfer.body, R"({"to":"+13125550123"})");
  stream_settings with_state{"wss://u", "t", codecs::audio_format::g711_ulaw(), "eyJiIjoiMSJ9"};
  d.Parse(answer("https://x/v2", "K", "c", with_state).body.c_str());
  EXPECT_STREQ(d["client_state"].GetString(), "eyJiIjoiMSJ9");
}

TEST(TelnyxRest, UnderstandsErrorAnswers) {
  auto ended = describe_error(422, R"({"errors":[{"code":"90018","title":"Call has already ended","detail":"x"}]})");
  EXPECT_TRUE(ended.call_already_ended);
  EXPECT_FALSE(ended.retryable);
  EXPECT_EQ(ended.code, "90018");
  auto auth = describe_error(401, R"({"errors":[{"code":"10009","title":"Authentication failed"}]})");
  EXPECT_FALSE(auth.call_already_ended);
  EXPECT_FALSE(auth.retryable);
  EXPECT_EQ(auth.title, "Authentication failed");
  EXPECT_TRUE(describe_error(503, "").retryable);
}
