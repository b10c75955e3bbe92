// Vonage's wire as docs/providers/vonage.md records it: the WebSocket's documented text events and binary
// audio, the NCCOs we answer with, the HS256 token on signed webhooks and the RS256 application token.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "net/crypto.hpp"
#include "net/providers/vonage/jwt.hpp"
#include "net/providers/vonage/media.hpp"
#include "net/providers/vonage/ncco.hpp"
#include "tools/sim/vonage_wire.hpp"

using namespace voxgate;
using namespace voxgate::net;

namespace {

constexpr const char* secret = "vonage-signature-secret";

media_event parsed(const media_dialect& d, std::string frame, std::string_view* err = nullptr) {
  static std::string keep;  // the event's views point into the frame
  keep = std::move(frame);
  media_event ev;
  auto e = d.parse(keep, ev);
  if (err)
    *err = e;
  else
    EXPECT_EQ(e, "") << keep;
  return ev;
}

std::string token(std::string_view claims, std::string_view key = secret) {
  return "Bearer " + vonage::sign_hs256(key, claims);
}

std::string claims(std::int64_t iat, std::string_view payload, std::string_view iss = "Vonage") {
  return R"({"iat":)" + std::to_string(iat) + R"(,"jti":"a1b2","iss":")" + std::string(iss) + R"(","payload_hash":")" +
         crypto::sha256_hex(payload) + R"(","api_key":"abcd1234"})";
}

}  // namespace

TEST(VonageMedia, WebsocketConnectedStartsTheStreamForTheCallItsHeadersName) {
  vonage::media_codec d;
  auto ev = parsed(d, R"({"event":"websocket:connected","content-type":"audio/l16;rate=16000",)"
                      R"("call_uuid":"aaaaaaaa-1111-2222-3333-444444444444","from":"447700900000"})");
  EXPECT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.start->call_id, "aaaaaaaa-1111-2222-3333-444444444444");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(16000));
  EXPECT_EQ(*find_param(ev.start->custom_parameters, "from"), "447700900000");
  ev = parsed(d, R"({"event":"websocket:connected","content-type":"audio/l16;rate=8000","call_uuid":"u1"})");
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(8000));
}

TEST(VonageMedia, AConnectedFrameWithoutTheCallOrWithAnotherFormatIsRefused) {
  vonage::media_codec d;
  std::string_view err;
  parsed(d, R"({"event":"websocket:connected","content-type":"audio/l16;rate=16000"})", &err);
  EXPECT_NE(err, "");
  for (const char* type : {"audio/l16;rate=44100", "audio/pcmu", "audio/l16;rate=16000x", ""}) {
    parsed(d, std::string(R"({"event":"websocket:connected","call_uuid":"u1","content-type":")") + type + "\"}", &err);
    EXPECT_NE(err, "") << type;
  }
  parsed(d, "not json", &err);
  EXPECT_NE(err, "");
}

TEST(VonageMedia, DtmfIsOneDigitBesideTheEventOrNested) {
  vonage::media_codec d;
  auto ev = parsed(d, R"({"event":"websocket:dtmf","digit":"5","duration":260})");
  EXPECT_EQ(ev.kind, media_kind::dtmf);
  EXPECT_EQ(ev.text, "5");
  ev = parsed(d, R"({"event":"websocket:dtmf","dtmf":{"digit":"#","duration":100}})");
  EXPECT_EQ(ev.text, "#");
  std::string_view err;
  for (const char* bad : {R"({"event":"websocket:dtmf","digit":"55"})", R"({"event":"websocket:dtmf","digit":"x"})",
                          R"({"event":"websocket:dtmf"})"}) {
    parsed(d, bad, &err);
    EXPECT_NE(err, "") << bad;
  }
}

TEST(VonageMedia, ANotifyEchoingOurMarkIsAMarkAndTheRestIsIgnored) {
  vonage::media_codec d;
  auto ev = parsed(d, R"({"event":"websocket:notify","payload":{"mark":"g0.1.100"}})");
  EXPECT_EQ(ev.kind, media_kind::mark);
  EXPECT_EQ(ev.text, "g0.1.100");
  EXPECT_EQ(parsed(d, R"({"event":"websocket:notify","payload":{"other":1}})").kind, media_kind::ignored);
  EXPECT_EQ(parsed(d, R"({"event":"websocket:cleared"})").kind, media_kind::ignored);
  auto unknown = parsed(d, R"({"event":"websocket:something-new","x":[1,2]})");
  EXPECT_EQ(unknown.kind, media_kind::ignored);
  EXPECT_EQ(unknown.text, "websocket:something-new");
}

TEST(VonageMedia, BinaryFramesAreRawAudioBothWays) {
  vonage::media_codec d;
  EXPECT_TRUE(d.takes_binary());
  EXPECT_TRUE(d.binary_media());
  std::string frame(640, '\x07');
  media_event ev;
  EXPECT_EQ(d.parse_binary(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_TRUE(ev.raw_audio);
  EXPECT_EQ(ev.payload.size(), 640u);
  EXPECT_EQ(ev.payload.data(), frame.data());
  std::string odd(321, '\0'), empty;
  EXPECT_NE(d.parse_binary(odd, ev), "");
  EXPECT_NE(d.parse_binary(empty, ev), "");
  std::vector<std::uint8_t> audio{1, 2, 3, 4};
  std::string out;
  d.build_media("u1", audio, out);
  EXPECT_EQ(out, std::string("\x01\x02\x03\x04"));
}

TEST(VonageMedia, MarksAreNotifiesAndClearIsTheClearAction) {
  vonage::media_codec d;
  EXPECT_EQ(d.build_mark("u1", "g0.1.100"), R"({"action":"notify","payload":{"mark":"g0.1.100"}})");
  EXPECT_EQ(d.build_clear("u1"), R"({"action":"clear"})");
}

TEST(VonageMedia, OneFrameIsTwentyMilliseconds) {
  EXPECT_EQ(vonage::frame_bytes(8000), 320u);
  EXPECT_EQ(vonage::frame_bytes(16000), 640u);
  EXPECT_EQ(vonage::content_type_for(8000), "audio/l16;rate=8000");
}

TEST(VonageNcco, ConnectsOneWebsocketWithTheTokenInThePathAndTheCallInItsHeaders) {
  auto text = vonage::connect_ncco({"wss://gw.example.test/vonage/media/tok.1.abc", 16000, "u-1", "447700900000",
                                    "442079460000", "https://gw.example.test/vonage/events"});
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_TRUE(d.IsArray()) << text;
  ASSERT_EQ(d.Size(), 1u);
  const auto& c = d[0];
  EXPECT_STREQ(c["action"].GetString(), "connect");
  EXPECT_STREQ(c["eventUrl"][0].GetString(), "https://gw.example.test/vonage/events");
  ASSERT_EQ(c["endpoint"].Size(), 1u);
  const auto& e = c["endpoint"][0];
  EXPECT_STREQ(e["type"].GetString(), "websocket");
  EXPECT_STREQ(e["uri"].GetString(), "wss://gw.example.test/vonage/media/tok.1.abc");
  EXPECT_STREQ(e["content-type"].GetString(), "audio/l16;rate=16000");
  EXPECT_STREQ(e["headers"]["call_uuid"].GetString(), "u-1");
  EXPECT_STREQ(e["headers"]["from"].GetString(), "447700900000");
  // Read as the simulated Vonage reads it: valid.
  net::http_client_response r;
  r.status = 200;
  r.headers = {{"content-type", "application/json"}};
  r.body = text;
  auto n = sim::vonage::read_ncco(r);
  EXPECT_EQ(n.error, "");
  EXPECT_TRUE(n.connects);
  EXPECT_EQ(n.frame_bytes, 640u);
}

TEST(VonageNcco, HeadersStayWithinVonagesBoundAndAnEightKilohertzStreamSaysSo) {
  auto text =
      vonage::connect_ncco({"wss://h/vonage/media/t", 8000, "u-1", std::string(600, '1'), "4420", "https://h/e"});
  rapidjson::Document d;
  d.Parse(text.c_str());
  const auto& e = d[0]["endpoint"][0];
  EXPECT_STREQ(e["content-type"].GetString(), "audio/l16;rate=8000");
  EXPECT_FALSE(e["headers"].HasMember("from"));  // 600 bytes would pass 512: left out, the call's uuid kept
  EXPECT_STREQ(e["headers"]["to"].GetString(), "4420");
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  e["headers"].Accept(w);
  EXPECT_LE(b.GetSize(), vonage::max_headers_bytes);
}

TEST(VonageNcco, ARefusalTalksAndEnds) {
  rapidjson::Document d;
  auto text = vonage::talk_ncco("Sorry \"busy\"");
  d.Parse(text.c_str());
  ASSERT_TRUE(d.IsArray()) << text;
  ASSERT_EQ(d.Size(), 1u);
  EXPECT_STREQ(d[0]["action"].GetString(), "talk");
  EXPECT_STREQ(d[0]["text"].GetString(), "Sorry \"busy\"");
}

TEST(VonageJwt, AWellSignedRecentTokenOverThePayloadPasses) {
  auto body = R"({"status":"completed"})";
  auto hashes = std::vector<std::string>{crypto::sha256_hex(body)};
  EXPECT_EQ(vonage::verify_webhook_token(secret, token(claims(1000, body)), 1000, hashes, true), vonage::jwt_check::ok);
  EXPECT_EQ(vonage::verify_webhook_token(secret, token(claims(1000, body)), 1299, hashes, true), vonage::jwt_check::ok);
}

TEST(VonageJwt, BadTokensAreRefusedWithTheirReason) {
  auto body = R"({"status":"completed"})";
  auto hashes = std::vector<std::string>{crypto::sha256_hex(body)};
  using vonage::jwt_check;
  auto check = [&](const std::string& auth, std::int64_t now = 1000) {
    return vonage::verify_webhook_token(secret, auth, now, hashes, true);
  };
  EXPECT_EQ(check(token(claims(1000, body), "another-secret")), jwt_check::bad_signature);
  EXPECT_EQ(check(token(claims(1000, body)), 1301), jwt_check::stale);  // expired: iat too old
  EXPECT_EQ(check(token(claims(1400, body))), jwt_check::stale);        // from the future
  EXPECT_EQ(check(token(claims(1000, body, "Someone"))), jwt_check::bad_issuer);
  EXPECT_EQ(check(token(claims(1000, "another body"))), jwt_check::payload_mismatch);
  EXPECT_EQ(check(token(R"({"iat":1000,"iss":"Vonage"})")), jwt_check::payload_mismatch);  // a POST needs the hash
  EXPECT_EQ(vonage::verify_webhook_token(secret, token(R"({"iat":1000,"iss":"Vonage"})"), 1000, hashes, false),
            jwt_check::ok);
  // alg none: the unsigned token a forger would send.
  auto none = "Bearer " + vonage::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
              vonage::base64url_encode(claims(1000, body)) + ".";
  EXPECT_NE(check(none), jwt_check::ok);
  auto none_signed = "Bearer " + vonage::base64url_encode(R"({"alg":"none"})") + "." +
                     vonage::base64url_encode(claims(1000, body)) + ".c2ln";
  EXPECT_EQ(check(none_signed), jwt_check::bad_algorithm);
  for (const char* junk : {"", "Bearer", "Bearer a.b", "Basic abc", "Bearer a.b.c.d", "Bearer !!.??.**"})
    EXPECT_EQ(check(junk), jwt_check::malformed) << junk;
  EXPECT_EQ(check("Bearer " + std::string(10000, 'a')), jwt_check::malformed);
}

TEST(VonageJwt, Base64UrlRoundTripsAndRefusesTheStandardAlphabet) {
  std::string bytes = "\xfb\xff\x01 any bytes?";
  auto text = vonage::base64url_encode(bytes);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(vonage::base64url_decode(text), bytes);
  EXPECT_FALSE(vonage::base64url_decode("+/8="));
  EXPECT_FALSE(vonage::base64url_decode("a"));
}

TEST(VonageJwt, TheApplicationTokenIsRs256WithItsClaimsAndOnlyItsKeyVerifiesIt) {
  auto [priv, pub] = sim::vonage::generate_key_pair();
  auto [other_priv, other_pub] = sim::vonage::generate_key_pair();
  ASSERT_FALSE(priv.empty());
  EXPECT_EQ(vonage::check_private_key(priv), "");
  EXPECT_NE(vonage::check_private_key(pub), "");
  EXPECT_NE(vonage::check_private_key("junk"), "");
  auto t = vonage::application_token(priv, "app-1", 1000);
  ASSERT_TRUE(t);
  EXPECT_FALSE(vonage::verify_rs256(other_pub, *t));
  auto c = vonage::verify_rs256(pub, *t);
  ASSERT_TRUE(c);
  rapidjson::Document d;
  d.Parse(c->c_str());
  EXPECT_STREQ(d["application_id"].GetString(), "app-1");
  EXPECT_EQ(d["iat"].GetInt64(), 1000);
  EXPECT_EQ(d["exp"].GetInt64(), 1900);
  EXPECT_GE(std::string(d["jti"].GetString()).size(), 16u);
  auto tampered = *t;
  tampered[tampered.find('.') + 3] ^= 1;
  EXPECT_FALSE(vonage::verify_rs256(pub, tampered));
  EXPECT_FALSE(vonage::sign_rs256("not a key", "{}"));
}

TEST(VonageMedia, AnyInputIsAnEventOrAReasonNeverACrash) {
  vonage::media_codec d;
  std::string deep(100000, '[');
  std::vector<std::string> inputs = {"",
                                     "{}",
                                     "[]",
                                     "null",
                                     R"({"event":5})",
                                     R"({"event":"websocket:notify"})",
                                     R"({"event":"websocket:notify","payload":"x"})",
                                     R"({"event":"websocket:connected","content-type":7,"call_uuid":[]})",
                                     R"({"event":"websocket:dtmf","dtmf":"5"})",
                                     deep,
                                     std::string(20000, ' ') + "{}",
                                     std::string("{\"event\":\"\0\"}", 13)};
  std::uint32_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {  // a deterministic spray of bytes, some of them JSON-shaped
    std::string s = i % 2 ? R"({"event":"websocket:)" : "";
    for (int n = 0; n < i % 97; ++n) {
      seed = seed * 1103515245 + 12345;
      s.push_back(static_cast<char>(seed >> 16));
    }
    inputs.push_back(std::move(s));
  }
  for (auto input : inputs) {
    auto copy = input;
    media_event ev;
    auto err = d.parse(copy, ev);
    if (err.empty()) {
      std::string_view whole(copy);
      EXPECT_TRUE(ev.text.empty() || (ev.text.data() >= whole.data() && ev.text.end() <= whole.end()));
      EXPECT_EQ(ev.kind == media_kind::start, ev.start.has_value());
    }
    copy = input;
    err = d.parse_binary(copy, ev);
    EXPECT_EQ(err.empty(), !input.empty() && input.size() % 2 == 0);
  }
}
