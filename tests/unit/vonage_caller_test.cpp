// Vonage's caller (tools/sim/callers/vonage.cpp) against the gateway's own Vonage code: its webhook
// passes the gateway's JWT check, it opens the NCCO's socket with websocket:connected, its audio is
// binary PCM in exact 20 ms frames at the NCCO's rate, and its hang-up is the close and `completed`.
#include <gtest/gtest.h>

#include "codecs/g711.hpp"
#include "net/call_token.hpp"
#include "net/headers.hpp"
#include "net/http_types.hpp"
#include "net/providers/vonage/jwt.hpp"
#include "net/providers/vonage/media.hpp"
#include "net/providers/vonage/ncco.hpp"
#include "net/providers/vonage/webhook.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::sim {
namespace {

constexpr const char* secret = "vonage-signature-secret";

caller_settings settings(std::string credential = secret) {
  caller_settings s;
  s.public_url = "https://gw.example.test";
  s.credential = std::move(credential);
  s.tool = "call";
  return s;
}

// A caller whose webhook the gateway answered with its NCCO at `rate`.
std::unique_ptr<caller> answered(std::uint32_t rate) {
  auto c = make_caller("vonage", settings());
  auto ncco = net::vonage::connect_ncco({"wss://gw.example.test/vonage/media/TOKEN", rate, std::string(c->call_id()),
                                         "447700900000", "442079460000", "https://gw.example.test/vonage/events"});
  auto a = c->read_answer(200, "application/json", ncco);
  EXPECT_EQ(a.what, call_answer::kind::socket) << a.why;
  EXPECT_EQ(a.socket.url, "wss://gw.example.test/vonage/media/TOKEN");
  return c;
}

net::vonage::jwt_check gateway_check(const provider_request& r, std::string_view with_secret) {
  net::http_request req{r.method, r.target, r.headers, r.body, {}};
  return net::vonage::verify_webhook_token(with_secret, net::header_or(r.headers, "authorization"), net::unix_now(),
                                           net::vonage::payload_hashes(req), r.method != "GET");
}

TEST(Callers, VonagesWebhookIsAGetSignedWithTheSecretAsTheGatewayChecksIt) {
  auto c = make_caller("vonage", settings());
  auto hook = c->webhook();
  EXPECT_EQ(hook.method, "GET");
  EXPECT_EQ(hook.target.rfind("/vonage/voice?", 0), 0u);
  EXPECT_NE(hook.target.find("uuid=" + std::string(c->call_id())), std::string::npos) << hook.target;
  EXPECT_EQ(gateway_check(hook, secret), net::vonage::jwt_check::ok);
  EXPECT_NE(gateway_check(hook, "another-secret"), net::vonage::jwt_check::ok);
  EXPECT_EQ(net::header_or(make_caller("vonage", settings(""))->webhook().headers, "authorization"), "");
}

TEST(Callers, VonageOpensTheNccosSocketWithConnectedCarryingItsHeaders) {
  auto c = answered(16000);
  auto opening = c->opening();
  ASSERT_EQ(opening.size(), 1u);
  EXPECT_FALSE(opening[0].binary);
  net::vonage::media_codec codec;
  net::media_event ev;
  ASSERT_EQ(codec.parse(opening[0].data, ev), "");
  ASSERT_EQ(ev.kind, net::media_kind::start);
  EXPECT_EQ(ev.start->call_id, c->call_id());
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(16000));
}

TEST(Callers, VonageRefusesATalkOnlyNcco) {
  auto c = make_caller("vonage", settings());
  auto a = c->read_answer(200, "application/json", net::vonage::talk_ncco("busy"));
  EXPECT_EQ(a.what, call_answer::kind::refused);
  EXPECT_EQ(c->read_answer(401, "text/plain", "no").what, call_answer::kind::refused);
}

TEST(Callers, VonagesAudioIsBinaryPcmInExact20msFramesAtTheNccosRate) {
  std::vector<std::uint8_t> mulaw(160);
  for (std::size_t i = 0; i < mulaw.size(); ++i) mulaw[i] = static_cast<std::uint8_t>(i * 7);
  for (std::uint32_t rate : {8000u, 16000u}) {
    auto c = answered(rate);
    for (int n = 0; n < 5; ++n) {
      std::string frame;
      EXPECT_TRUE(c->append_media(frame, mulaw)) << rate;
      EXPECT_EQ(frame.size(), net::vonage::frame_bytes(rate)) << rate;
      std::vector<std::uint8_t> back(frame.size());
      auto m = c->read(frame, true);
      ASSERT_EQ(m.what, gateway_message::kind::media);
      auto got = c->decode_audio(m.payload, back.data());
      ASSERT_TRUE(got) << rate;
      if (rate == 8000) {  // no resampling: the μ-law round trip is exact
        EXPECT_EQ(std::vector<std::uint8_t>(back.begin(), back.begin() + *got), mulaw);
      } else {
        EXPECT_LE(*got, 160u);
      }
    }
  }
  auto c = answered(16000);
  std::uint8_t out[4];
  EXPECT_FALSE(c->decode_audio("odd", out));
}

TEST(Callers, VonageReadsNotifyAsAMarkAndAnswersInItsOwnWords) {
  auto c = answered(16000);
  net::vonage::media_codec codec;
  auto notify = codec.build_mark("", "m1");
  auto m = c->read(notify, false);
  EXPECT_EQ(m.what, gateway_message::kind::mark);
  EXPECT_EQ(m.name, "m1");
  auto clear = codec.build_clear("");
  EXPECT_EQ(c->read(clear, false).what, gateway_message::kind::clear);
  std::string junk = "not json";
  EXPECT_EQ(c->read(junk, false).what, gateway_message::kind::invalid);

  // The gateway reads the echoed notify as its mark, websocket:cleared as nothing to act on, a key press as one.
  net::media_event ev;
  auto played = c->mark_played("m1");
  ASSERT_EQ(codec.parse(played.data, ev), "");
  EXPECT_EQ(ev.kind, net::media_kind::mark);
  EXPECT_EQ(ev.text, "m1");
  auto cleared = c->cleared({"m2"});
  ASSERT_EQ(cleared.size(), 1u);
  ASSERT_EQ(codec.parse(cleared[0].data, ev), "");
  EXPECT_EQ(ev.kind, net::media_kind::ignored);
  auto dtmf = c->dtmf('5');
  ASSERT_TRUE(dtmf);
  ASSERT_EQ(codec.parse(dtmf->data, ev), "");
  EXPECT_EQ(ev.kind, net::media_kind::dtmf);
  EXPECT_EQ(ev.text, "5");
}

TEST(Callers, VonagesHangUpIsTheSocketClosingAndTheCallerLegsCompletedEvent) {
  auto c = answered(16000);
  EXPECT_TRUE(c->stop().data.empty());
  EXPECT_FALSE(c->notice(caller::moment::answered));
  auto n = c->notice(caller::moment::hung_up);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->method, "POST");
  EXPECT_EQ(n->target, "/vonage/events");
  EXPECT_EQ(gateway_check(*n, secret), net::vonage::jwt_check::ok);
  std::string why;
  auto ev = net::vonage::parse_event(n->body, &why);
  ASSERT_TRUE(ev) << why;
  EXPECT_EQ(ev->status, "completed");
  EXPECT_EQ(ev->uuid, c->call_id());
  EXPECT_EQ(ev->call_uuid_header, "");  // the caller's leg, not the websocket's
}

}  // namespace
}  // namespace voxgate::sim
