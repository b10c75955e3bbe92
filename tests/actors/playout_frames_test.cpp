// The playout for a provider that takes only exact frames (Vonage: 20 ms of PCM16, 640 bytes at 16 kHz):
// every chunk is whole frames, and only the tail of a reply is padded, with silence, once the provider
// is about to run dry.
#include <gtest/gtest.h>

#include "actors/playout.hpp"

using voxgate::actors::playout;
using voxgate::codecs::audio_format;

namespace {

constexpr std::size_t frame = 640;  // 20 ms at 16 kHz, 16-bit

playout vonage_like() {
  playout::options o;
  o.format = audio_format::pcm16(16000);
  o.frame_ms = 20;
  return playout(o);
}

std::vector<std::uint8_t> pcm_ms(std::uint32_t ms, std::uint8_t value = 0x11) {
  return std::vector<std::uint8_t>(ms * 32, value);
}

std::vector<playout::chunk> drain(playout& p, std::uint64_t now) {
  std::vector<playout::chunk> out;
  while (auto c = p.next(now)) out.push_back(*c);
  return out;
}

}  // namespace

TEST(PlayoutFrames, ChunksAreWholeFramesAndTheTailWaits) {
  auto p = vonage_like();
  p.push("it1", pcm_ms(130));  // six frames and 10 ms
  auto chunks = drain(p, 0);
  std::size_t sent = 0;
  for (const auto& c : chunks) {
    EXPECT_EQ(c.audio.size() % frame, 0u) << c.audio.size();
    sent += c.audio.size();
  }
  EXPECT_EQ(sent, 6 * frame);  // the 10 ms tail is held back: more audio may complete it
  EXPECT_EQ(p.queued_bytes(), 10u * 32);
  p.push("it1", pcm_ms(10));  // it does
  chunks = drain(p, 0);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].audio, std::string(frame, '\x11'));  // one whole frame, no padding
}

TEST(PlayoutFrames, OnlyTheLastFrameOfAReplyIsPaddedWithSilenceOnceTheProviderIsNearlyDry) {
  auto p = vonage_like();
  p.push("it1", pcm_ms(50));  // two frames and 10 ms
  auto chunks = drain(p, 0);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].audio.size(), 2 * frame);
  EXPECT_TRUE(drain(p, 10).empty());  // 30 ms still to play: the tail waits
  chunks = drain(p, 20);              // 20 ms left: the tail leaves, padded to one frame
  ASSERT_EQ(chunks.size(), 1u);
  ASSERT_EQ(chunks[0].audio.size(), frame);
  EXPECT_EQ(chunks[0].audio.substr(0, 320), std::string(320, '\x11'));
  EXPECT_EQ(chunks[0].audio.substr(320), std::string(320, '\0'));  // PCM16 silence
  EXPECT_EQ(p.queued_bytes(), 0u);
  EXPECT_EQ(p.sent_ms(), 60u);
}

TEST(PlayoutFrames, ALeadThatLeavesRoomForLessThanAFrameSendsNothingUntilAFrameFits) {
  playout::options o;
  o.format = audio_format::pcm16(8000);  // 320-byte frames
  o.frame_ms = 20;
  o.lead_ms = 50;
  playout p(o);
  p.push("it1", std::vector<std::uint8_t>(16 * 200, 0x22));  // 200 ms
  auto chunks = drain(p, 0);
  std::size_t sent = 0;
  for (const auto& c : chunks) sent += c.audio.size();
  EXPECT_EQ(sent, 2u * 320);         // 40 ms: a third frame would pass the 50 ms lead
  EXPECT_TRUE(drain(p, 5).empty());  // 35 ms ahead: room for 15 ms, less than a frame
  chunks = drain(p, 10);             // 30 ms ahead: one frame fits
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].audio.size(), 320u);
}

TEST(PlayoutFrames, ATruncateAfterAPaddedTailCountsOnlyTheAudioReceived) {
  auto p = vonage_like();
  p.push("it1", pcm_ms(30));          // one frame and 10 ms
  EXPECT_EQ(drain(p, 0).size(), 2u);  // the padded tail leaves at once: only one frame was left to play
  EXPECT_EQ(p.sent_ms(), 40u);
  auto cut = p.interrupt(35);
  EXPECT_FALSE(cut.was_playing);  // only the padding is left to play: nothing the caller could miss
  EXPECT_EQ(cut.item_id, "it1");
  EXPECT_EQ(cut.audio_end_ms, 30u);  // not the 40 ms on the timeline: padding is nobody's audio
}

TEST(PlayoutFrames, MuLawIsPaddedWithItsOwnSilence) {
  playout::options o;
  o.frame_ms = 20;  // µ-law 8 kHz: 160-byte frames
  playout p(o);
  p.push("it1", std::vector<std::uint8_t>(100, 0x55));
  auto chunks = drain(p, 0);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].audio.size(), 160u);
  EXPECT_EQ(chunks[0].audio.substr(100), std::string(60, '\xFF'));
}
