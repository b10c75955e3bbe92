// The playout clock for a provider with no marks and no buffer (AudioSocket): 20 ms frames handed out
// one per 20 ms against the clock, at most two ahead; silence while the AI is silent; a barge-in that
// counts what was handed over as heard and keeps it on the clock.
#include <gtest/gtest.h>

#include "actors/playout.hpp"

using voxgate::actors::playout;
using voxgate::codecs::audio_format;

namespace {

constexpr std::size_t frame = 320;  // 20 ms of 8 kHz PCM16

playout paced() {
  playout::options o;
  o.format = audio_format::pcm16(8000);
  o.self_clocked = true;
  o.chunk_ms = o.min_chunk_ms = 20;
  o.lead_ms = 40;
  return playout(o);
}

std::vector<std::uint8_t> speech_ms(std::uint32_t ms) { return std::vector<std::uint8_t>(ms * 16, 0x55); }

struct sent {
  std::size_t frames = 0, silent = 0, bytes = 0;
};

sent take(playout& p, std::uint64_t now) {
  sent s;
  while (auto c = p.next(now)) {
    ++s.frames;
    s.bytes += c->audio.size();
    EXPECT_EQ(c->audio.size(), frame);
    EXPECT_TRUE(c->mark.empty());
    if (c->audio == std::string(frame, '\0')) ++s.silent;
  }
  return s;
}

}  // namespace

TEST(PacedPlayout, OneFramePerFrameTimeAtMostTwoAhead) {
  auto p = paced();
  p.push("it1", speech_ms(1000));
  EXPECT_EQ(take(p, 0).frames, 2u);  // the lead: two frames
  EXPECT_EQ(take(p, 10).frames, 0u);
  EXPECT_EQ(take(p, 20).frames, 1u);
  EXPECT_EQ(take(p, 39).frames, 0u);
  EXPECT_EQ(take(p, 40).frames, 1u);
  // Against the clock, not the calls: late by 15 ms, still one frame; the deadline does not slip.
  EXPECT_EQ(take(p, 75).frames, 1u);
  EXPECT_EQ(take(p, 80).frames, 1u);
  EXPECT_EQ(p.sent_ms(), 120u);
  EXPECT_EQ(p.played_ms(80), 80u);  // played by the clock alone: no mark ever comes
  EXPECT_EQ(p.remaining_ms(80), 920u);
}

TEST(PacedPlayout, SilenceKeepsTheLineFedWhileTheAiIsSilent) {
  auto p = paced();
  auto s = take(p, 0);
  EXPECT_EQ(s.frames, 1u);  // silence less than a frame ahead, no more
  EXPECT_EQ(s.silent, 1u);
  EXPECT_EQ(take(p, 10).silent, 1u);
  EXPECT_EQ(take(p, 20).frames, 0u);
  EXPECT_TRUE(p.idle(20));  // silence is not audio still to play
  EXPECT_EQ(p.remaining_ms(20), 0u);
  // The AI speaks: its audio follows the silence already out, within the same lead.
  p.push("it1", speech_ms(100));
  auto spoken = take(p, 30);
  EXPECT_EQ(spoken.frames, 1u);
  EXPECT_EQ(spoken.silent, 0u);
  EXPECT_EQ(p.sent_ms(), 60u);
  EXPECT_EQ(p.remaining_ms(30), 110u);  // the silence before it, the frame, and the 80 ms queued
  EXPECT_EQ(p.queued_bytes(), 80u * 16);
}

TEST(PacedPlayout, ABargeInCountsWhatWasHandedOverAsHeardAndKeepsItOnTheClock) {
  auto p = paced();
  p.push("it1", speech_ms(1000));
  for (std::uint64_t t = 0; t <= 200; t += 10) take(p, t);
  EXPECT_EQ(p.sent_ms(), 240u);  // 200 ms played, two frames ahead
  auto cut = p.interrupt(205);
  EXPECT_TRUE(cut.was_playing);
  EXPECT_EQ(cut.item_id, "it1");
  EXPECT_EQ(cut.audio_end_ms, 240u);  // nothing can be cleared: the caller hears all that went out
  // The 35 ms still playing at the far end stay on the clock: the next reply waits behind them.
  p.push("it1", speech_ms(100));  // the interrupted item's late audio is dropped
  EXPECT_EQ(p.queued_bytes(), 0u);
  p.push("it2", speech_ms(100));
  EXPECT_EQ(take(p, 205).frames, 0u);
  EXPECT_EQ(take(p, 215).frames, 0u);
  auto s = take(p, 225);  // 15 ms still playing: room for one frame within the lead
  EXPECT_EQ(s.frames, 1u);
  EXPECT_EQ(s.silent, 0u);
}

TEST(PacedPlayout, AfterAStallTheClockRestartsRatherThanBursting) {
  auto p = paced();
  p.push("it1", speech_ms(1000));
  take(p, 0);
  // Nothing for 500 ms (a stalled loop): the far end ran dry; the gateway does not catch up at once.
  EXPECT_EQ(take(p, 500).frames, 2u);
  EXPECT_EQ(take(p, 510).frames, 0u);
  EXPECT_EQ(take(p, 520).frames, 1u);
}

TEST(PacedPlayout, OnlyAudioCountsAsPlayingForABargeIn) {
  auto p = paced();
  for (std::uint64_t t = 0; t <= 100; t += 20) take(p, t);  // silence only
  auto cut = p.interrupt(110);
  EXPECT_FALSE(cut.was_playing);
  EXPECT_EQ(cut.item_id, "");
}
