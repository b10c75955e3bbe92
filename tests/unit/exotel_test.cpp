// Exotel's Voicebot applet as docs/providers/exotel.md records it: every documented inbound message
// (both the string and the integer spellings of its numbers), every outbound message field by field,
// the applet's https endpoint and its answer, Basic auth on both doors, and the refusals' reasons.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <deque>

#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "codecs/transcoder.hpp"
#include "net/providers/exotel/applet.hpp"
#include "net/providers/exotel/auth.hpp"
#include "net/providers/exotel/media.hpp"
#include "net/providers/registry.hpp"

using namespace voxgate;
using namespace voxgate::net;

namespace {

const exotel::media_codec codec;

// The event's views point into the parsed frame: frames are kept for the test's duration.
media_event parsed(std::string frame, std::string_view expected_error = "") {
  static std::deque<std::string> frames;
  auto& kept = frames.emplace_back(std::move(frame));
  auto copy = kept;  // for the message: parsing in place changes `kept`
  media_event ev;
  EXPECT_EQ(codec.parse(kept, ev), expected_error) << copy;
  return ev;
}

rapidjson::Document json_of(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// WSP/DG's start, numbers as strings.
constexpr const char* doc_start =
    R"({"event":"start","sequence_number":"1","stream_sid":"MZ1","start":{"stream_sid":"MZ1","call_sid":"CA1",)"
    R"("account_sid":"AC1","from":"+919876543210","to":"+918047491899","custom_parameters":{"key1":"value1"},)"
    R"("media_format":{"encoding":"audio/x-raw","sample_rate":"8000","bit_rate":"16"}}})";

}  // namespace

TEST(ExotelMedia, ParsesTheDocumentedStartWithStringNumbers) {
  auto ev = parsed(doc_start);
  ASSERT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.sequence, 1u);
  EXPECT_EQ(ev.start->stream_id, "MZ1");
  EXPECT_EQ(ev.start->call_id, "CA1");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(8000));
  ASSERT_EQ(ev.start->custom_parameters.size(), 1u);
  EXPECT_EQ(*find_param(ev.start->custom_parameters, "key1"), "value1");
}

TEST(ExotelMedia, ParsesStartWithIntegerNumbersAndOtherSpellings) {
  // SVA: integer counters, "raw" and a 128 bit rate; an integer rate; the stream id only at the top.
  auto ev = parsed(
      R"({"event":"start","sequence_number":1,"stream_sid":"MZ2","start":{"call_sid":"CA2","account_sid":"AC1",)"
      R"("from":"+91","to":"+91","custom_parameters":{},"media_format":{"encoding":"raw","sample_rate":16000,"bit_rate":128}}})");
  ASSERT_EQ(ev.kind, media_kind::start);
  EXPECT_EQ(ev.sequence, 1u);
  EXPECT_EQ(ev.start->stream_id, "MZ2");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(16000));
  // Community fixtures: base64/128kbps; Exotel's bridge strips "Hz"; its server reads streamSid.
  ev = parsed(R"({"event":"start","start":{"streamSid":"MZ3","call_sid":"CA3",)"
              R"("media_format":{"encoding":"base64","sample_rate":"24000Hz","bit_rate":"128kbps"}}})");
  EXPECT_EQ(ev.start->stream_id, "MZ3");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(24000));
  // No media_format at all: the applet's default, 8 kHz.
  ev = parsed(R"({"event":"start","start":{"stream_sid":"MZ4","call_sid":"CA4"}})");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(8000));
}

// The applet's audio is little-endian: the sample 0x1234 arrives as the bytes 34 12, and the format
// the dialect announces is the one the transcoder reads that way (l16 would read 0x3412).
TEST(ExotelMedia, AudioIsLittleEndianPcm16AsTheTranscoderReadsIt) {
  auto ev = parsed(doc_start);
  EXPECT_EQ(ev.start->format.enc, codecs::encoding::pcm16);
  codecs::transcoder to_ulaw(ev.start->format, codecs::audio_format::g711_ulaw());
  const std::int16_t samples[] = {0x1234, -3000, 200};
  std::string le;
  for (auto s : samples) {
    le.push_back(static_cast<char>(static_cast<std::uint16_t>(s) & 0xff));
    le.push_back(static_cast<char>(static_cast<std::uint16_t>(s) >> 8));
  }
  std::string ulaw;
  to_ulaw.convert(le, ulaw);
  ASSERT_EQ(ulaw.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(static_cast<std::uint8_t>(ulaw[i]), codecs::g711::linear_to_ulaw(samples[i])) << i;
}

TEST(ExotelMedia, ParsesMediaWithCountersAsStringsOrIntegers) {
  auto ev = parsed(R"({"event":"media","sequence_number":"3","stream_sid":"MZ1",)"
                   R"("media":{"chunk":"2","timestamp":"200","payload":"AAEC"}})");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_EQ(ev.sequence, 3u);
  EXPECT_EQ(ev.chunk, 2u);
  EXPECT_EQ(ev.timestamp_ms, 200u);
  EXPECT_EQ(ev.payload, "AAEC");
  ev = parsed(
      R"({"event":"media","sequence_number":3,"stream_sid":"MZ1","media":{"chunk":2,"timestamp":200,"payload":"AAEC"}})");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_EQ(ev.sequence, 3u);
  EXPECT_EQ(ev.chunk, 2u);
  EXPECT_EQ(ev.timestamp_ms, 200u);
}

TEST(ExotelMedia, ParsesConnectedDtmfMarkAndStop) {
  EXPECT_EQ(parsed(R"({"event":"connected"})").kind, media_kind::connected);
  EXPECT_EQ(parsed(R"({"event":"connected","protocol":"Call","version":"1.0.0"})").kind, media_kind::connected);
  auto dtmf =
      parsed(R"({"event":"dtmf","sequence_number":"7","stream_sid":"MZ1","dtmf":{"digit":"5","duration":"100"}})");
  EXPECT_EQ(dtmf.kind, media_kind::dtmf);
  EXPECT_EQ(dtmf.text, "5");
  EXPECT_EQ(dtmf.sequence, 7u);
  dtmf = parsed(R"({"event":"dtmf","sequence_number":7,"dtmf":{"digit":"#","duration":100}})");
  EXPECT_EQ(dtmf.text, "#");
  dtmf = parsed(R"({"event":"dtmf","digit":"9"})");  // the extension guide's flat form
  EXPECT_EQ(dtmf.kind, media_kind::dtmf);
  EXPECT_EQ(dtmf.text, "9");
  auto mark = parsed(R"({"event":"mark","sequence_number":"15","stream_sid":"MZ1","mark":{"name":"g0.1.200"}})");
  EXPECT_EQ(mark.kind, media_kind::mark);
  EXPECT_EQ(mark.text, "g0.1.200");
  EXPECT_EQ(mark.sequence, 15u);
  for (std::string reason : {"callended", "stopped"}) {
    auto stop = parsed(R"({"event":"stop","sequence_number":"20","stream_sid":"MZ1","stop":{"call_sid":"CA1",)"
                       R"("account_sid":"AC1","reason":")" +
                       reason + R"("}})");
    EXPECT_EQ(stop.kind, media_kind::stop);
    EXPECT_EQ(stop.text, reason);
    EXPECT_EQ(stop.sequence, 20u);
  }
  auto novel = parsed(R"({"event":"transcript","x":1})");
  EXPECT_EQ(novel.kind, media_kind::ignored);
  EXPECT_EQ(novel.text, "transcript");
}

TEST(ExotelMedia, RefusesMalformedFramesWithAReason) {
  parsed("not json", "Invalid value.");
  parsed(R"({"no":"event"})", "no event field");
  parsed(R"({"event":"start"})", "start without a start object");
  parsed(R"({"event":"start","start":{"stream_sid":"MZ1"}})", "start without call_sid");
  parsed(
      R"({"event":"start","start":{"call_sid":"CA1","media_format":{"encoding":"audio/x-mulaw","sample_rate":"8000"}}})",
      "start announces G.711 or a rate other than 8000, 16000 or 24000");
  parsed(R"({"event":"start","start":{"call_sid":"CA1","media_format":{"sample_rate":"44100"}}})",
         "start announces G.711 or a rate other than 8000, 16000 or 24000");
  parsed(R"({"event":"start","start":{"call_sid":"CA1","media_format":{"sample_rate":"fast"}}})",
         "start with an unreadable media_format.sample_rate");
  parsed(R"({"event":"media","media":{}})", "media without payload");
  parsed(R"({"event":"mark","mark":{}})", "mark without name");
  parsed(R"({"event":"dtmf","dtmf":{"digit":"12"}})", "dtmf without a single digit");
  parsed(R"({"event":"dtmf"})", "dtmf without a single digit");
}

TEST(ExotelMedia, BuildsMediaFieldByField) {
  std::string audio(3200, '\0');
  for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>(i * 7);
  std::string out = "kept:";  // appends
  codec.build_media("MZ1", {reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()}, out);
  ASSERT_EQ(out.rfind("kept:", 0), 0u);
  auto d = json_of(out.substr(5));
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d.MemberCount(), 3u);
  EXPECT_STREQ(d["event"].GetString(), "media");
  EXPECT_STREQ(d["stream_sid"].GetString(), "MZ1");
  ASSERT_TRUE(d["media"].IsObject());
  EXPECT_EQ(d["media"].MemberCount(), 1u);
  EXPECT_EQ(*codecs::base64::decode(d["media"]["payload"].GetString()), audio);
}

// A chunk that is not a multiple of 320 bytes would leave Exotel a short last packet and a 20 ms wait:
// it is padded with silence instead, whatever the remainder modulo 3 (base64's groups).
TEST(ExotelMedia, PadsMediaToWholePacketsWithSilence) {
  for (std::size_t n : {2u, 800u, 802u, 804u, 3198u, 3202u}) {
    std::string audio(n, '\x55');
    std::string out;
    codec.build_media("MZ1", {reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()}, out);
    auto d = json_of(out);
    auto payload = *codecs::base64::decode(d["media"]["payload"].GetString());
    ASSERT_EQ(payload.size() % exotel::chunk_quantum, 0u) << n;
    EXPECT_LT(payload.size() - n, exotel::chunk_quantum) << n;
    EXPECT_EQ(payload.substr(0, n), audio) << n;
    EXPECT_EQ(payload.substr(n), std::string(payload.size() - n, '\0')) << n;
  }
}

TEST(ExotelMedia, BuildsMarkAndClearFieldByField) {
  auto mark = json_of(codec.build_mark("MZ1", R"(g1."2")"));
  EXPECT_EQ(mark.MemberCount(), 3u);
  EXPECT_STREQ(mark["event"].GetString(), "mark");
  EXPECT_STREQ(mark["stream_sid"].GetString(), "MZ1");
  EXPECT_EQ(mark["mark"].MemberCount(), 1u);
  EXPECT_STREQ(mark["mark"]["name"].GetString(), R"(g1."2")");
  auto clear = json_of(codec.build_clear("MZ1"));
  EXPECT_EQ(clear.MemberCount(), 2u);
  EXPECT_STREQ(clear["event"].GetString(), "clear");
  EXPECT_STREQ(clear["stream_sid"].GetString(), "MZ1");
  // A start without a stream id: the optional key is left out, never sent empty.
  EXPECT_EQ(codec.build_clear(""), R"({"event":"clear"})");
}

TEST(ExotelAuth, ChecksBasicCredentialsExactly) {
  EXPECT_EQ(exotel::check_basic("user:pw", exotel::basic_authorization("user:pw")), exotel::basic_check::ok);
  EXPECT_EQ(exotel::basic_authorization("user:pw"), "Basic dXNlcjpwdw==");
  EXPECT_EQ(exotel::check_basic("user:pw", "basic dXNlcjpwdw=="), exotel::basic_check::ok);  // scheme's case
  EXPECT_EQ(exotel::check_basic("user:pw", ""), exotel::basic_check::missing);
  EXPECT_EQ(exotel::check_basic("user:pw", exotel::basic_authorization("user:pW")), exotel::basic_check::mismatch);
  EXPECT_EQ(exotel::check_basic("user:pw", exotel::basic_authorization("user:pw2")), exotel::basic_check::mismatch);
  EXPECT_EQ(exotel::check_basic("user:pw", "Bearer dXNlcjpwdw=="), exotel::basic_check::mismatch);
  EXPECT_EQ(exotel::check_basic("user:pw", "Basic !!!"), exotel::basic_check::mismatch);
  EXPECT_EQ(exotel::check_basic("user:pw", "Basic "), exotel::basic_check::mismatch);
}

TEST(ExotelAuth, TheSettingTakesUrlSafeUserAndPasswordOnly) {
  EXPECT_FALSE(exotel::credentials_problem("voxgate:s3cr3t-._~"));
  for (std::string bad : {"nocolon", ":pw", "user:", "us er:pw", "user:p@ss", "user:p/w", "user:pw:more"})
    EXPECT_TRUE(exotel::credentials_problem(bad)) << bad;
}

TEST(ExotelApplet, ReadsTheCallAndKeepsOnlyTheUsersParametersForRouting) {
  std::string why;
  auto r = exotel::parse_applet_request(
      "CallSid=b6cfaf0bb25dd1c5bc8d57b2b18b1797&CallFrom=09876543210&CallTo=08047491899&Direction=incoming&"
      "Created=2024-01-01+10%3A00%3A00&flow_id=123&tenant_id=9&Stream%5BStatus%5D=x&businessId=acme&lang=hi",
      &why);
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(r->call_sid, "b6cfaf0bb25dd1c5bc8d57b2b18b1797");
  EXPECT_EQ(r->from, "09876543210");
  EXPECT_EQ(r->to, "08047491899");
  EXPECT_EQ(r->routing, (param_list{{"businessId", "acme"}, {"lang", "hi"}}));
  r = exotel::parse_applet_request("CallSid=abc&From=%2B911&To=%2B912", &why);  // Passthru's older names
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(r->from, "+911");
  EXPECT_EQ(r->to, "+912");
  EXPECT_TRUE(r->routing.empty());
  EXPECT_TRUE(exotel::is_exotel_field("Legs[0][Number]"));
  EXPECT_FALSE(exotel::is_exotel_field("businessId"));
}

TEST(ExotelApplet, RefusesARequestWithoutAUsableCallSid) {
  for (std::string query : {"", "CallFrom=1", "CallSid=", "CallSid=a%2Fb", "CallSid=a.b", "CallSid=%zz"}) {
    std::string why;
    EXPECT_FALSE(exotel::parse_applet_request(query, &why)) << query;
    EXPECT_FALSE(why.empty()) << query;
  }
}

namespace {

struct ExotelProvider : ::testing::Test {
  const providers::provider& make(setting_values values = {}) {
    set_ = std::make_unique<providers::set>(values);
    const auto* p = set_->find("exotel");
    EXPECT_NE(p, nullptr);
    return *p;
  }
  static http_request get(std::string target, header_list headers = {}) {
    http_request r;
    r.method = "GET";
    r.target = std::move(target);
    r.headers = std::move(headers);
    return r;
  }
  public_base base{"https://gw.example.test", "wss://gw.example.test", "test"};
  std::unique_ptr<providers::set> set_;
};

}  // namespace

TEST_F(ExotelProvider, DeclaresItsRoutesTraitsAndSetting) {
  const auto& p = make();
  EXPECT_EQ(p.webhook_path(), "/exotel/voice");
  EXPECT_EQ(p.webhook_methods(), std::vector<std::string_view>{"GET"});
  EXPECT_EQ(p.media_path(), "/exotel/media");
  EXPECT_FALSE(p.traits().token_in_start);
  EXPECT_FALSE(p.traits().reorders_media);
  EXPECT_EQ(p.traits().dtmf, providers::dtmf_source::media_socket);
  // 200 ms of 8 kHz PCM16: Exotel's 3.2 kB minimum.
  EXPECT_EQ(codecs::audio_format::pcm16(8000).bytes_per_ms() * p.traits().min_chunk_ms, 3200u);
  EXPECT_FALSE(p.hangup("CA1"));  // no REST hang-up for an applet's call: the socket's close ends it
  bool declared = false;
  for (const auto& s : providers::settings())
    if (s.name == "EXOTEL_STREAM_AUTH") declared = s.secret && s.check("a:b") == std::nullopt && s.check("ab");
  EXPECT_TRUE(declared);
}

TEST_F(ExotelProvider, AnnouncesACallFromTheAppletsRequest) {
  const auto& p = make();
  auto req = get("/exotel/voice?CallSid=CAx1&CallFrom=%2B919876543210&CallTo=%2B918047491899&businessId=acme");
  EXPECT_FALSE(p.verify(req, base, 0));
  std::string why;
  auto hook = p.parse(req, base, &why);
  ASSERT_TRUE(hook) << why;
  auto* call = std::get_if<providers::new_call>(&*hook);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->call_id, "CAx1");
  EXPECT_EQ(call->from, "+919876543210");
  EXPECT_EQ(call->to, "+918047491899");
  EXPECT_EQ(call->parameters, (param_list{{"businessId", "acme"}}));
  EXPECT_EQ(call->media_format, codecs::audio_format::pcm16(8000));
  EXPECT_EQ(call->media_url, "wss://gw.example.test/exotel/media/");

  auto answer = p.admit(*call, "CAx1.123.abc");
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.content_type, "application/json");
  auto d = json_of(answer.body);
  EXPECT_EQ(d.MemberCount(), 1u);
  EXPECT_STREQ(d["url"].GetString(), "wss://gw.example.test/exotel/media/CAx1.123.abc?sample-rate=8000");

  EXPECT_FALSE(p.parse(get("/exotel/voice?businessId=acme"), base, &why));
  EXPECT_NE(why.find("CallSid"), std::string::npos);
}

TEST_F(ExotelProvider, RefusesAFullGatewayWithAStatusAndAReason) {
  const auto& p = make();
  auto r = p.refuse(providers::new_call{});
  EXPECT_EQ(r.status, 503u);
  EXPECT_NE(r.body.find("full or draining"), std::string::npos);
  EXPECT_FALSE(p.reject(providers::new_call{}));
}

TEST_F(ExotelProvider, WithoutCredentialsItWarnsAndTakesTheTokenFromThePath) {
  const auto& p = make();
  ASSERT_EQ(p.warnings().size(), 1u);
  EXPECT_NE(p.warnings()[0].find("EXOTEL_STREAM_AUTH is not set"), std::string::npos);
  auto checked = p.check_upgrade(get("/exotel/media/CA1.9.ff?sample-rate=8000"), base);
  ASSERT_TRUE(std::holds_alternative<std::string>(checked));
  EXPECT_EQ(std::get<std::string>(checked), "CA1.9.ff");  // the query is not part of the token
}

TEST_F(ExotelProvider, WithCredentialsBothDoorsRequireThem) {
  const auto& p = make({{"EXOTEL_STREAM_AUTH", "exo:pa55"}});
  EXPECT_TRUE(p.warnings().empty());
  auto good = header_list{{"authorization", exotel::basic_authorization("exo:pa55")}};
  auto bad = header_list{{"authorization", exotel::basic_authorization("exo:guess")}};

  // The applet's request.
  EXPECT_FALSE(p.verify(get("/exotel/voice?CallSid=CA1", good), base, 0));
  auto missing = p.verify(get("/exotel/voice?CallSid=CA1"), base, 0);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  EXPECT_EQ(missing->label, "missing_auth");
  auto wrong = p.verify(get("/exotel/voice?CallSid=CA1", bad), base, 0);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403u);
  EXPECT_EQ(wrong->label, "bad_auth");
  EXPECT_EQ(wrong->reason.find("pa55"), std::string::npos);  // no secret in what gets logged

  // The answer hands Exotel the socket's credentials as the URL's user info (then its Basic header).
  providers::new_call call;
  call.call_id = "CA1";
  call.media_url = "wss://gw.example.test/exotel/media/";
  auto d = json_of(p.admit(call, "tok").body);
  EXPECT_STREQ(d["url"].GetString(), "wss://exo:pa55@gw.example.test/exotel/media/tok?sample-rate=8000");

  // The media socket's upgrade.
  auto ok = p.check_upgrade(get("/exotel/media/tok?sample-rate=8000", good), base);
  ASSERT_TRUE(std::holds_alternative<std::string>(ok));
  EXPECT_EQ(std::get<std::string>(ok), "tok");
  auto none = p.check_upgrade(get("/exotel/media/tok"), base);
  ASSERT_TRUE(std::holds_alternative<providers::refusal>(none));
  EXPECT_EQ(std::get<providers::refusal>(none).status, 401u);
  EXPECT_EQ(std::get<providers::refusal>(none).label, "missing_auth");
  auto refused = p.check_upgrade(get("/exotel/media/tok", bad), base);
  ASSERT_TRUE(std::holds_alternative<providers::refusal>(refused));
  EXPECT_EQ(std::get<providers::refusal>(refused).status, 403u);
  EXPECT_EQ(std::get<providers::refusal>(refused).label, "bad_auth");
  auto labels = p.upgrade_refusals();
  EXPECT_NE(std::find(labels.begin(), labels.end(), "bad_auth"), labels.end());
  EXPECT_NE(std::find(labels.begin(), labels.end(), "missing_auth"), labels.end());
}
