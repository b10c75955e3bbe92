// Plivo's provider folder, without a socket: the V3 signature against the vectors of docs/providers/plivo.md
// 2.2, every documented stream message in and out, the answer webhook and its XML, and the REST hang-up
// that must never go out without a CallUUID (the provider as the registry makes it: plivo_provider_test).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <deque>

#include "codecs/base64.hpp"
#include "net/providers/plivo/media.hpp"
#include "net/providers/plivo/rest.hpp"
#include "net/providers/plivo/signature.hpp"
#include "net/providers/plivo/webhook.hpp"
#include "net/providers/plivo/xml.hpp"
#include "net/providers/registry.hpp"
#include "tools/sim/plivo_caller.hpp"

using namespace voxgate;
using namespace voxgate::net;
using namespace voxgate::net::plivo;
using namespace voxgate::sim::plivo;

namespace {

constexpr const char* token = "my_auth_token";
constexpr const char* uuid = "4vbcpem8-0u46-x1ha-9af1-438vc92bf374";

const param_list vector_a_params = {
    {"CallUUID", uuid}, {"Digits", "1234"}, {"From", "+15551111111"}, {"To", "+15555555555"}};
const param_list vector_b_params = {{"To", "+15555555555"}, {"CallUUID", "abc"}, {"From", "+15551111111"}};

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

// The event's views point into the parsed frame: the frames are kept for the test's lifetime.
media_event parse_ok(std::string frame) {
  static std::deque<std::string> frames;
  auto& kept = frames.emplace_back(std::move(frame));
  media_codec codec;
  media_event ev;
  auto err = codec.parse(kept, ev);
  EXPECT_EQ(err, "") << kept;
  return ev;
}

std::string parse_error(std::string frame) {
  media_codec codec;
  media_event ev;
  return std::string(codec.parse(frame, ev));
}

}  // namespace

// ---- signature (docs/providers/plivo.md 2.2, computed with Plivo's Python SDK) ----

TEST(PlivoSignature, SignsTheDocumentedTextForEachVector) {
  EXPECT_EQ(signed_text("POST", "https://example.com/abcd?foo=bar", vector_a_params, "kjsdhfsd87sd7yisud2"),
            "https://example.com/abcd?foo=bar.CallUUID4vbcpem8-0u46-x1ha-9af1-438vc92bf374Digits1234From+15551111111"
            "To+15555555555.kjsdhfsd87sd7yisud2");
  // A query-less URL is followed by '?', not '.', then the pairs sorted by key.
  EXPECT_EQ(signed_text("POST", "https://example.com/answer", vector_b_params, "nonce123"),
            "https://example.com/answer?CallUUIDabcFrom+15551111111To+15555555555.nonce123");
  EXPECT_EQ(signed_text("GET", "https://example.com/stream?b=2&a=1", {}, "nonce123"),
            "https://example.com/stream?a=1&b=2.nonce123");
  EXPECT_EQ(signed_text("GET", "https://example.com/stream", {}, "nonce123"), "https://example.com/stream.nonce123");
}

TEST(PlivoSignature, MatchesTheDocumentedVectors) {
  EXPECT_EQ(
      compute_signature(token, "POST", "https://example.com/abcd?foo=bar", vector_a_params, "kjsdhfsd87sd7yisud2"),
      "Nlb1ZrTN1nl3nKqEi/MmVAeWDsZ4P5YMSLcK1/yOU6o=");
  EXPECT_EQ(compute_signature(token, "POST", "https://example.com/answer", vector_b_params, "nonce123"),
            "TdV5GOHMO/J2Aa3gWofQh4QyvsFaLepe+B7FlMNNd6U=");
  EXPECT_EQ(compute_signature(token, "GET", "https://example.com/stream?b=2&a=1", {}, "nonce123"),
            "Sl+IQY38ZDZHCjLONxpWmtXcFHvKwFmHEMlNfhOmJ6g=");
  EXPECT_EQ(compute_signature(token, "GET", "https://example.com/stream", {}, "nonce123"),
            "o8TENwgACI8NoIxXU1SBUbtbIEpH09V/v8U7KGGJrUk=");
  EXPECT_TRUE(verify_signature(token, "POST", "https://example.com/answer", vector_b_params, "nonce123",
                               "TdV5GOHMO/J2Aa3gWofQh4QyvsFaLepe+B7FlMNNd6U="));
}

TEST(PlivoSignature, TamperedRequestsFail) {
  const std::string sig = "TdV5GOHMO/J2Aa3gWofQh4QyvsFaLepe+B7FlMNNd6U=";
  const std::string url = "https://example.com/answer";
  auto tampered = vector_b_params;
  tampered[0].second = "+15555555556";
  EXPECT_FALSE(verify_signature(token, "POST", url, tampered, "nonce123", sig));
  auto extra = vector_b_params;
  extra.emplace_back("Digits", "1");
  EXPECT_FALSE(verify_signature(token, "POST", url, extra, "nonce123", sig));
  EXPECT_FALSE(verify_signature(token, "POST", url, vector_b_params, "nonce124", sig));
  EXPECT_FALSE(verify_signature(token, "POST", "https://example.com/answer2", vector_b_params, "nonce123", sig));
  EXPECT_FALSE(verify_signature(token, "POST", "http://example.com/answer", vector_b_params, "nonce123", sig));
  EXPECT_FALSE(verify_signature("other_token", "POST", url, vector_b_params, "nonce123", sig));
  EXPECT_FALSE(verify_signature(token, "POST", url, vector_b_params, "nonce123", sig.substr(1)));
  EXPECT_FALSE(verify_signature(token, "POST", url, vector_b_params, "", sig));
  EXPECT_FALSE(verify_signature(token, "POST", url, vector_b_params, "nonce123", ""));
  // A header may carry several signatures: any one matching passes, none matching fails.
  const std::string other = "o8TENwgACI8NoIxXU1SBUbtbIEpH09V/v8U7KGGJrUk=";
  EXPECT_TRUE(verify_signature(token, "POST", url, vector_b_params, "nonce123", other + "," + sig));
  EXPECT_TRUE(verify_signature(token, "POST", url, vector_b_params, "nonce123", sig + ", " + other));
  EXPECT_FALSE(verify_signature(token, "POST", url, vector_b_params, "nonce123", other + "," + other));
}

TEST(PlivoSignature, AnEscapedQueryValueMatchesDecodedOrAsWritten) {
  // Plivo's Python and Node SDKs decode query values, its Go SDK does not: either signature passes.
  const std::string url = "https://example.com/answer?who=a%20b";
  EXPECT_EQ(signed_text("POST", url, vector_b_params, "n"),
            "https://example.com/answer?who=a b.CallUUIDabcFrom+15551111111To+15555555555.n");
  EXPECT_EQ(signed_text("POST", url, vector_b_params, "n", query_values::raw),
            "https://example.com/answer?who=a%20b.CallUUIDabcFrom+15551111111To+15555555555.n");
  for (auto values : {query_values::decoded, query_values::raw})
    EXPECT_TRUE(verify_signature(token, "POST", url, vector_b_params, "n",
                                 compute_signature(token, "POST", url, vector_b_params, "n", values)));
}

// ---- media: in ----

TEST(PlivoMedia, ParsesStart) {
  auto ev = parse_ok(
      R"({"event":"start","sequenceNumber":1,"start":{"callId":"c-1","streamId":"s-1","accountId":"MAXXXXXXXXXXXXXXXXXX",)"
      R"("tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":"userId=12345;sessionId=abc-xyz"})");
  EXPECT_EQ(ev.kind, media_kind::start);
  EXPECT_EQ(ev.sequence, 1u);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.start->call_id, "c-1");
  EXPECT_EQ(ev.start->stream_id, "s-1");
  EXPECT_EQ(ev.start->format, codecs::audio_format::g711_ulaw());
  // The sim's start, and a sequenceNumber given as a string ([SSP]: "can be string").
  auto sim = parse_ok(start_message(7, "c-2", "s-2"));
  ASSERT_TRUE(sim.start);
  EXPECT_EQ(sim.start->call_id, "c-2");
  EXPECT_EQ(sim.sequence, 7u);
  EXPECT_EQ(parse_ok(R"({"event":"start","sequenceNumber":"3","start":{"callId":"c","streamId":"s"}})").sequence, 3u);
}

TEST(PlivoMedia, RefusesAStartItCannotServe) {
  EXPECT_NE(parse_error(R"({"event":"start","start":{"streamId":"s-1"}})"), "");
  EXPECT_NE(parse_error(R"({"event":"start","start":{"callId":"c-1"}})"), "");
  EXPECT_NE(parse_error(R"({"event":"start","sequenceNumber":1})"), "");
  // audio/x-l16's byte order is undocumented: refused, not guessed.
  EXPECT_NE(
      parse_error(
          R"({"event":"start","start":{"callId":"c","streamId":"s","mediaFormat":{"encoding":"audio/x-l16","sampleRate":16000}}})"),
      "");
  EXPECT_NE(
      parse_error(
          R"({"event":"start","start":{"callId":"c","streamId":"s","mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":16000}}})"),
      "");
}

TEST(PlivoMedia, ParsesMediaWithNumericChunkAndStringTimestamp) {
  auto ev = parse_ok(
      R"({"event":"media","sequenceNumber":42,"streamId":"s-1","media":{"track":"inbound","timestamp":"1705312200000","chunk":41,)"
      R"("payload":"AAEC"},"extra_headers":""})");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_EQ(ev.sequence, 42u);
  EXPECT_EQ(ev.chunk, 41u);
  EXPECT_EQ(ev.timestamp_ms, 1705312200000u);
  EXPECT_EQ(ev.payload, "AAEC");
  auto sim = parse_ok(media_message(5, "s-1", 3, 40, std::string(160, '\x7f')));
  EXPECT_EQ(sim.kind, media_kind::media);
  EXPECT_EQ(*codecs::base64::decode(sim.payload), std::string(160, '\x7f'));
  EXPECT_EQ(parse_error(R"({"event":"media","sequenceNumber":2,"media":{"chunk":1}})"), "media without payload");
}

TEST(PlivoMedia, ParsesDtmfCheckpointsAndTheRest) {
  auto dtmf = parse_ok(
      R"({"event":"dtmf","sequenceNumber":50,"streamId":"s-1","dtmf":{"track":"inbound","digit":"5","timestamp":"1705312250000"},"extra_headers":""})");
  EXPECT_EQ(dtmf.kind, media_kind::dtmf);
  EXPECT_EQ(dtmf.text, "5");
  EXPECT_EQ(parse_ok(dtmf_message(9, "s-1", "#", 100)).text, "#");
  auto played = parse_ok(R"({"event":"playedStream","sequenceNumber":75,"streamId":"s-1","name":"greeting-complete"})");
  EXPECT_EQ(played.kind, media_kind::mark);
  EXPECT_EQ(played.text, "greeting-complete");
  EXPECT_EQ(played.sequence, 75u);
  EXPECT_EQ(parse_ok(played_stream(8, "s-1", "g0.1.100")).text, "g0.1.100");
  EXPECT_EQ(parse_ok(R"({"event":"played","streamId":"s-1","name":"n"})").kind, media_kind::mark);  // [FAQ]'s name
  EXPECT_EQ(parse_error(R"({"event":"playedStream","streamId":"s-1"})"), "playedStream without name");
  auto cleared = parse_ok(R"({"event":"clearedAudio","sequenceNumber":80,"streamId":"s-1"})");
  EXPECT_EQ(cleared.kind, media_kind::ignored);
  EXPECT_EQ(cleared.text, "clearedAudio");
  EXPECT_EQ(parse_ok(cleared_audio(4, "s-1")).kind, media_kind::ignored);
  EXPECT_EQ(parse_ok(R"({"event":"stop","reason":"call ended"})").kind, media_kind::stop);
  EXPECT_EQ(parse_ok(stop_message(11, "s-1", "hangup")).kind, media_kind::stop);
  auto failed = parse_ok(R"({"event":"playFailed","reason":"bad payload"})");
  EXPECT_EQ(failed.kind, media_kind::error);
  EXPECT_EQ(failed.text, "bad payload");
  EXPECT_EQ(parse_ok(R"({"event":"DegradedStream"})").kind, media_kind::ignored);
  EXPECT_EQ(parse_error(R"({"sequenceNumber":1})"), "no event field");
  EXPECT_NE(parse_error("not json"), "");
}

// ---- media: out ----

TEST(PlivoMedia, BuildsPlayAudioFieldByField) {
  media_codec codec;
  std::string out;
  const std::uint8_t audio[] = {0xff, 0x7f, 0x00, 0x10};
  codec.build_media("s-1", audio, out);
  auto d = parsed(out);
  ASSERT_TRUE(d.IsObject()) << out;
  EXPECT_EQ(d.MemberCount(), 2u);
  EXPECT_STREQ(d["event"].GetString(), "playAudio");
  EXPECT_FALSE(d.HasMember("streamId"));  // playAudio has none [PLAY]
  const auto& m = d["media"];
  EXPECT_EQ(m.MemberCount(), 3u);
  EXPECT_STREQ(m["contentType"].GetString(), "audio/x-mulaw");
  ASSERT_TRUE(m["sampleRate"].IsInt());
  EXPECT_EQ(m["sampleRate"].GetInt(), 8000);
  EXPECT_EQ(*codecs::base64::decode(m["payload"].GetString()), std::string("\xff\x7f\x00\x10", 4));
}

TEST(PlivoMedia, BuildsCheckpointAndClearAudio) {
  media_codec codec;
  auto mark = parsed(codec.build_mark("s-1", R"(g0."1".100)"));
  ASSERT_TRUE(mark.IsObject());
  EXPECT_EQ(mark.MemberCount(), 3u);
  EXPECT_STREQ(mark["event"].GetString(), "checkpoint");
  EXPECT_STREQ(mark["streamId"].GetString(), "s-1");
  EXPECT_STREQ(mark["name"].GetString(), R"(g0."1".100)");
  auto clear = parsed(codec.build_clear("s-1"));
  ASSERT_TRUE(clear.IsObject());
  EXPECT_EQ(clear.MemberCount(), 2u);
  EXPECT_STREQ(clear["event"].GetString(), "clearAudio");
  EXPECT_STREQ(clear["streamId"].GetString(), "s-1");
}

// ---- the answer webhook and its XML ----

TEST(PlivoWebhook, ParsesTheAnswerForm) {
  std::string why;
  auto w = parse_answer_webhook(encode_form(answer_form(uuid)), &why);
  ASSERT_TRUE(w) << why;
  EXPECT_EQ(w->call_uuid, uuid);
  EXPECT_EQ(w->from, "14155550100");
  EXPECT_EQ(w->to, "14155550199");
  EXPECT_EQ(w->direction, "inbound");
  EXPECT_FALSE(w->ended());
  EXPECT_NE(find_param(w->form, "Event"), nullptr);  // unknown fields kept for the signature
  auto done =
      parse_answer_webhook("CallUUID=" + std::string(uuid) + "&CallStatus=completed&HangupCause=NORMAL_CLEARING", &why);
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->ended());
  EXPECT_EQ(done->hangup_cause, "NORMAL_CLEARING");
}

TEST(PlivoWebhook, RefusesFormsWithoutAUsableCallUuid) {
  std::string why;
  EXPECT_FALSE(parse_answer_webhook("From=1&To=2", &why));
  EXPECT_EQ(why, "missing or malformed CallUUID");
  for (const char* bad :
       {"CallUUID=", "CallUUID=..%2F..%2Fx", "CallUUID=abc", "CallUUID=a+b+c+d+e+f", "CallUUID=a.b.c.d.e"})
    EXPECT_FALSE(parse_answer_webhook(bad, &why)) << bad;
  EXPECT_FALSE(parse_answer_webhook("CallUUID=%zz", &why));
  EXPECT_EQ(why, "malformed form body");
}

TEST(PlivoXml, StreamsBidirectionalMulawToTheTokenUrl) {
  auto xml = stream_answer("wss://gw.example.test/plivo/media/c.1.ab");
  EXPECT_EQ(xml,
            R"(<?xml version="1.0" encoding="UTF-8"?><Response><Stream bidirectional="true" keepCallAlive="true" )"
            R"(audioTrack="inbound" contentType="audio/x-mulaw;rate=8000">wss://gw.example.test/plivo/media/c.1.ab)"
            R"(</Stream></Response>)");
  auto s = parse_stream_instruction(xml);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->url, "wss://gw.example.test/plivo/media/c.1.ab");
  EXPECT_EQ(s->bidirectional, "true");
  EXPECT_EQ(s->audio_track, "inbound");
  EXPECT_EQ(s->content_type, "audio/x-mulaw;rate=8000");
  EXPECT_EQ(s->keep_call_alive, "true");
}

TEST(PlivoXml, EscapesTheUrlAndSpeaksRefusals) {
  auto xml = stream_answer("wss://h/p?a=1&b=<2>");
  EXPECT_NE(xml.find(">wss://h/p?a=1&amp;b=&lt;2&gt;</Stream>"), std::string::npos) << xml;
  EXPECT_EQ(parse_stream_instruction(xml)->url, "wss://h/p?a=1&b=<2>");
  // Plivo's own examples indent the URL; a reader trims it.
  EXPECT_EQ(
      parse_stream_instruction("<Response><Stream bidirectional=\"true\">\n  wss://h/x\n</Stream></Response>")->url,
      "wss://h/x");
  auto refusal = speak_and_hangup("Busy & sorry");
  EXPECT_NE(refusal.find("<Response><Speak>Busy &amp; sorry</Speak><Hangup/></Response>"), std::string::npos);
  EXPECT_FALSE(parse_stream_instruction(refusal));
}

// ---- REST ----

TEST(PlivoRest, HangupIsADeleteOfOneCallWithBasicAuth) {
  auto r = hangup_call("https://api.plivo.com/v1/", "MAXXXXXXXXXXXXXXXXXX", "secret", uuid);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "DELETE");
  EXPECT_EQ(r->url, "https://api.plivo.com/v1/Account/MAXXXXXXXXXXXXXXXXXX/Call/" + std::string(uuid) + "/");
  EXPECT_EQ(header_or(r->headers, "authorization"), "Basic " + codecs::base64::encode("MAXXXXXXXXXXXXXXXXXX:secret"));
  EXPECT_TRUE(r->body.empty());
}

TEST(PlivoRest, HangupIsNeverBuiltWithoutACallUuid) {
  // DELETE …/Call/ with no CallUUID ends every call on the account [HANG].
  EXPECT_FALSE(hangup_call("https://api.plivo.com/v1", "MAXXXXXXXXXXXXXXXXXX", "secret", ""));
  for (const char* bad : {"/", "..", "a/b/c/d/e", "abc", "0000-0000 x", "4vbcpem8-0u46?x=1"})
    EXPECT_FALSE(hangup_call("https://api.plivo.com/v1", "MAXXXXXXXXXXXXXXXXXX", "secret", bad)) << bad;
  EXPECT_FALSE(hangup_call("https://api.plivo.com/v1", "", "secret", uuid));
  EXPECT_FALSE(hangup_call("https://api.plivo.com/v1", "MA/../x", "secret", uuid));
  EXPECT_FALSE(hangup_call("https://api.plivo.com/v1", "MAXXXXXXXXXXXXXXXXXX", "", uuid));
}
