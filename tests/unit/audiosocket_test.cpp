// Asterisk AudioSocket as docs/providers/audiosocket.md records it: the TLV frames Asterisk sends
// (UUID, slin at each rate, DTMF, hang-up and error) and the ones the gateway may send (20 ms of slin,
// 00 00 00, nothing else), the reassembly of frames from a byte stream however it is split, UUIDs in
// canonical text, the webhook's parameters and its bearer secret, and the provider's traits.
#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "net/providers/audiosocket/media.hpp"
#include "net/providers/audiosocket/webhook.hpp"
#include "net/providers/registry.hpp"
#include "net/tlv_assembler.hpp"

using namespace voxgate;
using namespace voxgate::net;

namespace {

const audiosocket::media_codec codec;

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

// The event's views point into the frame: frames are kept for the test's duration.
media_event parsed(std::string frame, std::string_view expected_error = "", const media_dialect& d = codec) {
  static std::deque<std::string> frames;
  auto& kept = frames.emplace_back(std::move(frame));
  media_event ev;
  EXPECT_EQ(d.parse_binary(kept, ev), expected_error);
  return ev;
}

const std::string uuid_text = "2e1d8c2a-5b3f-4c7e-9a10-0f1e2d3c4b5a";
const std::string uuid_wire =
    bytes({0x2e, 0x1d, 0x8c, 0x2a, 0x5b, 0x3f, 0x4c, 0x7e, 0x9a, 0x10, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a});

}  // namespace

TEST(AudioSocket, TheUuidFrameStartsTheStreamNamingTheCallInCanonicalText) {
  auto ev = parsed(bytes({0x01, 0x00, 0x10}) + uuid_wire);
  EXPECT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.start->call_id, uuid_text);
  EXPECT_EQ(ev.start->format, codecs::audio_format::pcm16(8000));
  // Another length, or no payload at all, is no UUID.
  parsed(bytes({0x01, 0x00, 0x0f}) + uuid_wire.substr(0, 15), "uuid frame not of 16 bytes");
  parsed(bytes({0x01, 0x00, 0x00}), "uuid frame not of 16 bytes");
}

TEST(AudioSocket, SlinFramesAreRawAudioOfTheirKindsRate) {
  std::string pcm(320, '\x11');
  auto ev = parsed(bytes({0x10, 0x01, 0x40}) + pcm);
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_TRUE(ev.raw_audio);
  EXPECT_EQ(ev.payload, pcm);
  // Any even length (ptime 30: 480 bytes); never empty or odd; the rate pinned, not another.
  EXPECT_EQ(parsed(bytes({0x10, 0x01, 0xe0}) + std::string(480, '\0')).payload.size(), 480u);
  parsed(bytes({0x10, 0x00, 0x00}), "empty audio frame");
  parsed(bytes({0x10, 0x00, 0x03}) + "abc", "audio frame of an odd length");
  parsed(bytes({0x12, 0x02, 0x80}) + std::string(640, '\0'),
         "slin frame at another rate than the one set (AUDIOSOCKET_RATE)");
  const audiosocket::media_codec wide(16000);
  EXPECT_EQ(parsed(bytes({0x12, 0x02, 0x80}) + std::string(640, '\0'), "", wide).kind, media_kind::media);
  EXPECT_EQ(parsed(bytes({0x01, 0x00, 0x10}) + uuid_wire, "", wide).start->format, codecs::audio_format::pcm16(16000));
}

TEST(AudioSocket, TheRateTableRunsFrom0x10To0x18) {
  EXPECT_EQ(audiosocket::rate_of_kind(0x10), 8000u);
  EXPECT_EQ(audiosocket::rate_of_kind(0x11), 12000u);  // not 16 kHz, whatever the first drafts said
  EXPECT_EQ(audiosocket::rate_of_kind(0x12), 16000u);
  EXPECT_EQ(audiosocket::rate_of_kind(0x15), 44100u);
  EXPECT_EQ(audiosocket::rate_of_kind(0x18), 192000u);
  EXPECT_FALSE(audiosocket::rate_of_kind(0x19));
  EXPECT_FALSE(audiosocket::rate_of_kind(0x02));
  EXPECT_EQ(audiosocket::kind_of_rate(16000), 0x12);
  EXPECT_FALSE(audiosocket::kind_of_rate(11025));
}

TEST(AudioSocket, DtmfHangupAndErrorFrames) {
  auto dtmf = parsed(bytes({0x03, 0x00, 0x01, '#'}));
  EXPECT_EQ(dtmf.kind, media_kind::dtmf);
  EXPECT_EQ(dtmf.text, "#");
  parsed(bytes({0x03, 0x00, 0x01, 'x'}), "dtmf frame without one digit");
  parsed(bytes({0x03, 0x00, 0x02, '1', '2'}), "dtmf frame without one digit");
  EXPECT_EQ(parsed(bytes({0x00, 0x00, 0x00})).kind, media_kind::stop);
  // 0xff: no Asterisk sends it; if one comes, its code byte is logged and the call ends.
  auto error = parsed(bytes({0xff, 0x00, 0x01, 0x04}));
  EXPECT_EQ(error.kind, media_kind::stop);
  EXPECT_EQ(error.text, "error frame, code 0x04");
  EXPECT_EQ(parsed(bytes({0xff, 0x00, 0x00})).text, "error frame, no code");
}

TEST(AudioSocket, UnknownKindsTruncatedFramesAndTextAreRefused) {
  parsed(bytes({0x02, 0x00, 0x00}), "frame of an unknown kind");  // the Go library's "silence": never Asterisk's
  parsed(bytes({0x47, 0x45, 0x54}), "frame length does not match its header");  // "GET"
  parsed(bytes({0x10, 0x00}), "truncated frame");
  parsed(bytes({0x10, 0x00, 0x04, 1, 2}), "frame length does not match its header");
  std::string text = "{}";
  media_event ev;
  EXPECT_EQ(codec.parse(text, ev), "text frame (AudioSocket sends binary frames only)");
  EXPECT_TRUE(codec.takes_binary());
  EXPECT_TRUE(codec.binary_media());
}

TEST(AudioSocket, OutboundAudioIsWhole20msSlinFramesTheLastPaddedWithSilence) {
  std::vector<std::uint8_t> audio(700, 0x22);  // 43.75 ms
  std::string out;
  codec.build_media("ignored", audio, out);
  ASSERT_EQ(out.size(), 3u * (3 + 320));
  for (std::size_t f = 0; f < 3; ++f) {
    EXPECT_EQ(out.substr(f * 323, 3), bytes({0x10, 0x01, 0x40})) << f;
  }
  EXPECT_EQ(out.substr(3, 320), std::string(320, '\x22'));
  EXPECT_EQ(out.substr(2 * 323 + 3, 60), std::string(60, '\x22'));
  EXPECT_EQ(out.substr(2 * 323 + 63), std::string(260, '\0'));
  // No mark, no clear: nothing is sent for them. The hang-up is 00 00 00.
  EXPECT_EQ(codec.build_mark("s", "g0.1.20"), "");
  EXPECT_EQ(codec.build_clear("s"), "");
  EXPECT_EQ(codec.build_hangup(), bytes({0, 0, 0}));
  std::string wide_out;
  audiosocket::media_codec(16000).build_media("s", std::vector<std::uint8_t>(640, 1), wide_out);
  EXPECT_EQ(wide_out.substr(0, 3), bytes({0x12, 0x02, 0x80}));
  EXPECT_EQ(wide_out.size(), 643u);
}

TEST(AudioSocket, UuidsInCanonicalTextBothWays) {
  audiosocket::uuid_bytes id{};
  std::copy(uuid_wire.begin(), uuid_wire.end(), id.begin());
  EXPECT_EQ(audiosocket::format_uuid(id), uuid_text);
  EXPECT_EQ(audiosocket::parse_uuid(uuid_text), id);
  EXPECT_EQ(audiosocket::parse_uuid("2E1D8C2A-5B3F-4C7E-9A10-0F1E2D3C4B5A"), id);
  EXPECT_FALSE(audiosocket::parse_uuid("2e1d8c2a5b3f4c7e9a100f1e2d3c4b5a"));
  EXPECT_FALSE(audiosocket::parse_uuid("2e1d8c2a-5b3f-4c7e-9a10-0f1e2d3c4b5g"));
  EXPECT_FALSE(audiosocket::parse_uuid("2e1d8c2a-5b3f-4c7e-9a10+0f1e2d3c4b5a"));
  EXPECT_FALSE(audiosocket::parse_uuid(""));
}

TEST(AudioSocket, MintedUuidsAreRandomVersion4) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = audiosocket::mint_uuid();
    ASSERT_TRUE(audiosocket::parse_uuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AudioSocket, TheWebhookReadsFromAndToAndKeepsTheRestAsRouting) {
  std::string why;
  auto get = audiosocket::parse_voice_request("GET", "from=%2B4930123&to=100&businessId=acme", "", &why);
  ASSERT_TRUE(get) << why;
  EXPECT_EQ(get->from, "+4930123");
  EXPECT_EQ(get->to, "100");
  EXPECT_EQ(get->routing, (param_list{{"businessId", "acme"}}));
  auto post = audiosocket::parse_voice_request("POST", "", "from=200&to=300", &why);
  ASSERT_TRUE(post) << why;
  EXPECT_EQ(post->from, "200");
  EXPECT_FALSE(audiosocket::parse_voice_request("GET", "from=%zz", "", &why));
  EXPECT_FALSE(audiosocket::parse_voice_request("GET", "from=" + std::string(300, 'a'), "", &why));
  EXPECT_NE(why.find("over 256"), std::string::npos);
}

TEST(AudioSocket, TheBearerSecretIsCheckedAsAWhole) {
  using audiosocket::bearer_check;
  EXPECT_EQ(audiosocket::check_bearer("s3cret", "Bearer s3cret"), bearer_check::ok);
  EXPECT_EQ(audiosocket::check_bearer("s3cret", "bearer  s3cret "), bearer_check::ok);
  EXPECT_EQ(audiosocket::check_bearer("s3cret", ""), bearer_check::missing);
  EXPECT_EQ(audiosocket::check_bearer("s3cret", "Bearer s3cre"), bearer_check::mismatch);
  EXPECT_EQ(audiosocket::check_bearer("s3cret", "Basic czNjcmV0"), bearer_check::mismatch);
  EXPECT_EQ(audiosocket::check_bearer("s3cret", "Bearer "), bearer_check::mismatch);
}

TEST(AudioSocket, TheProvidersTraitsAndItsListener) {
  setting_values values{{"AUDIOSOCKET_PORT", "9092"}};
  providers::set all(values);
  const auto* p = all.find("audiosocket");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->traits().call_id_is_credential);
  EXPECT_TRUE(p->traits().paced_by_gateway);
  EXPECT_TRUE(p->traits().close_is_hangup);
  ASSERT_TRUE(p->tcp_media());
  EXPECT_EQ(p->tcp_media()->host, "127.0.0.1");  // no auth on the wire: loopback unless told
  EXPECT_EQ(p->tcp_media()->port, 9092);
  EXPECT_EQ(p->warnings().size(), 1u);  // AUDIOSOCKET_SECRET unset
  providers::set off({});
  EXPECT_FALSE(off.find("audiosocket")->tcp_media());
  EXPECT_TRUE(off.find("audiosocket")->warnings().empty());
}

TEST(TlvAssembler, FramesComeOutWholeHoweverTheBytesAreSplit) {
  std::string stream = bytes({0x01, 0x00, 0x10}) + uuid_wire + bytes({0x10, 0x01, 0x40}) + std::string(320, '\x33') +
                       bytes({0x03, 0x00, 0x01, '5'}) + bytes({0x00, 0x00, 0x00});
  for (std::size_t step : {1u, 2u, 3u, 7u, 100u, 1000u}) {
    tlv_assembler a;
    std::vector<std::string> frames;
    std::string f;
    for (std::size_t at = 0; at < stream.size(); at += step) {
      a.append(std::string_view(stream).substr(at, step));
      while (a.next(f)) frames.push_back(f);
    }
    ASSERT_EQ(frames.size(), 4u) << "step " << step;
    EXPECT_EQ(frames[0].size(), 19u);
    EXPECT_EQ(frames[1].size(), 323u);
    EXPECT_EQ(frames[2], bytes({0x03, 0x00, 0x01, '5'}));
    EXPECT_EQ(frames[3], bytes({0, 0, 0}));
    EXPECT_EQ(a.buffered(), 0u);
    EXPECT_TRUE(a.error().empty());
  }
}

TEST(TlvAssembler, AHalfFrameWaitsAndAnOversizeLengthBreaksTheStream) {
  tlv_assembler a(1000);
  std::string f;
  a.append(bytes({0x10, 0x01}));
  EXPECT_FALSE(a.next(f));
  a.append(bytes({0x40}) + std::string(100, 'x'));
  EXPECT_FALSE(a.next(f));  // 220 bytes still to come
  EXPECT_TRUE(a.error().empty());
  tlv_assembler bounded(1000);
  bounded.append(bytes({0x10, 0xff, 0xff}));  // 65535 announced, over this bound
  EXPECT_FALSE(bounded.next(f));
  EXPECT_EQ(bounded.error(), "frame of 65535 bytes, over the bound of 1000");
  bounded.append(bytes({0x00, 0x00, 0x00}));
  EXPECT_FALSE(bounded.next(f));  // nothing more comes out of a broken stream
  // Garbage (an HTTP request on the port) reads as a frame of a foreign kind: the dialect refuses it.
  tlv_assembler g;
  g.append("GET / HTTP/1.1\r\n");
  EXPECT_FALSE(g.next(f));  // "ET" announces 17748 bytes: it waits (the first-frame timeout ends it)
  EXPECT_TRUE(g.error().empty());
}
