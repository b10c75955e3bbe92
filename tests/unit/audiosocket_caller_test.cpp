// AudioSocket's caller (tools/sim/callers/audiosocket.cpp): the dialplan's CURL with the bearer secret,
// the UUID answer read into a plain TCP media socket at the given port, the TLV frames it sends, and
// the gateway's frames cut from a byte stream and read as audio, filler or hang-up.
#include <gtest/gtest.h>

#include "net/headers.hpp"
#include "tools/sim/audiosocket_wire.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::sim {
namespace {

constexpr std::string_view uuid = "0f6c2a4e-8d1b-4c3a-9e7f-112233445566";

caller_settings settings(std::uint16_t media_port = 9092) {
  caller_settings s;
  s.public_url = "http://gw.example.test";
  s.credential = "as-secret";
  s.tool = "call";
  s.media_port = media_port;
  return s;
}

TEST(Callers, AudioSocketCurlsTheVoiceWebhookWithTheBearerSecret) {
  auto c = make_caller("audiosocket", settings());
  ASSERT_TRUE(c);
  auto hook = c->webhook();
  EXPECT_EQ(hook.method, "GET");
  EXPECT_EQ(hook.target.rfind("/audiosocket/voice?", 0), 0u) << hook.target;
  EXPECT_NE(hook.target.find("from="), std::string::npos);
  EXPECT_NE(hook.target.find("to="), std::string::npos);
  EXPECT_EQ(net::header_or(hook.headers, "Authorization"), "Bearer as-secret");
  EXPECT_EQ(c->credential_setting(), "AUDIOSOCKET_SECRET");
  auto s = settings();
  s.credential.clear();
  EXPECT_EQ(net::header_or(make_caller("audiosocket", s)->webhook().headers, "Authorization"), "");
}

TEST(Callers, AudioSocketsAnswerIsAPlainTcpSocketAtTheMediaPortAndItsUuidTheCallId) {
  auto c = make_caller("audiosocket", settings());
  auto a = c->read_answer(200, "text/plain", uuid);
  ASSERT_EQ(a.what, call_answer::kind::socket) << a.why;
  EXPECT_EQ(a.socket.over, media_socket::transport::tcp);
  EXPECT_EQ(a.socket.port, 9092);
  EXPECT_EQ(a.socket.url, "tcp://gw.example.test:9092");
  EXPECT_EQ(c->call_id(), uuid);
  auto opening = c->opening();
  ASSERT_EQ(opening.size(), 1u);
  EXPECT_TRUE(opening[0].binary);
  EXPECT_EQ(opening[0].data, audiosocket::tlv(audiosocket::kind_uuid, *audiosocket::uuid_bytes(uuid)));
}

TEST(Callers, AudioSocketRefusesAnAnswerThatIsNoUuidOrWithNoMediaPortGiven) {
  EXPECT_EQ(make_caller("audiosocket", settings())->read_answer(503, "text/plain", "").what,
            call_answer::kind::refused);
  EXPECT_EQ(make_caller("audiosocket", settings())->read_answer(200, "text/plain", "<Response/>").what,
            call_answer::kind::refused);
  auto a = make_caller("audiosocket", settings(0))->read_answer(200, "text/plain", uuid);
  EXPECT_EQ(a.what, call_answer::kind::refused);
  EXPECT_NE(a.why.find("--media-port"), std::string::npos) << a.why;
}

TEST(Callers, AudioSocketSendsSlinFramesOf20MsDtmfAndHangsUpByClosing) {
  auto c = make_caller("audiosocket", settings());
  std::vector<std::uint8_t> mulaw(160, 0x55);
  std::string frame;
  EXPECT_TRUE(c->append_media(frame, mulaw));
  ASSERT_EQ(frame.size(), 3u + 320u);
  EXPECT_EQ(frame.substr(0, 3), std::string("\x10\x01\x40", 3));
  EXPECT_EQ(c->dtmf('5')->data, std::string("\x03\x00\x01"
                                            "5",
                                            4));
  EXPECT_EQ(c->stop().data, "");  // nothing sent: the close is the hang-up
  // What it sends comes back as it was (the gateway's echo), and decodes to the same mu-law.
  auto m = c->read(frame, true);
  ASSERT_EQ(m.what, gateway_message::kind::media);
  std::vector<std::uint8_t> out(m.payload.size());
  ASSERT_EQ(c->decode_audio(m.payload, out.data()), std::optional<std::size_t>(160));
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 160), mulaw);
}

TEST(Callers, AudioSocketCutsWholeFramesFromTheByteStream) {
  auto c = make_caller("audiosocket", settings());
  std::string stream =
      audiosocket::tlv(audiosocket::kind_slin8, std::string(320, '\x01')) + std::string("\x00\x00\x00", 3);
  EXPECT_EQ(c->frame_size(std::string_view(stream).substr(0, 2)), 0u);
  EXPECT_EQ(c->frame_size(std::string_view(stream).substr(0, 100)), 0u);
  EXPECT_EQ(c->frame_size(stream), 323u);
  EXPECT_EQ(c->frame_size(std::string_view(stream).substr(323)), 3u);
  for (const auto& name : caller_providers())
    if (name != "audiosocket") {
      EXPECT_EQ(make_caller(name, settings())->frame_size(stream), 0u) << name;
    }
}

TEST(Callers, AudioSocketReadsTheGatewaysFillerAndHangupAsNoAudioAndOtherKindsAsInvalid) {
  auto c = make_caller("audiosocket", settings());
  std::string silence = audiosocket::tlv(audiosocket::kind_slin8, std::string(320, '\0'));
  EXPECT_EQ(c->read(silence, true).what, gateway_message::kind::other);
  std::string hangup("\x00\x00\x00", 3);
  EXPECT_EQ(c->read(hangup, true).what, gateway_message::kind::other);
  std::string mark = audiosocket::tlv(0x02, "x");
  EXPECT_EQ(c->read(mark, true).what, gateway_message::kind::invalid);
  std::string odd = audiosocket::tlv(audiosocket::kind_slin8, "abc");
  EXPECT_EQ(c->read(odd, true).what, gateway_message::kind::invalid);
}

}  // namespace
}  // namespace voxgate::sim
