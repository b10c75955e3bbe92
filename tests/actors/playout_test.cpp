#include "actors/playout.hpp"

#include <gtest/gtest.h>

using voxgate::actors::playout;

namespace {

std::vector<std::uint8_t> audio_ms(std::uint32_t ms) { return std::vector<std::uint8_t>(ms * 8, 0x55); }

std::uint64_t drain(playout& p, std::uint64_t now, std::vector<playout::chunk>* out = nullptr) {
  std::uint64_t bytes = 0;
  while (auto c = p.next(now)) {
    bytes += c->audio.size();
    if (out) out->push_back(*c);
  }
  return bytes;
}

}  // namespace

TEST(Playout, FeedsTheProviderAtMostLeadAhead) {
  playout p({});
  p.push("it1", audio_ms(2000));
  std::vector<playout::chunk> chunks;
  EXPECT_EQ(drain(p, 0, &chunks), 400u * 8);  // 400 ms lead
  EXPECT_EQ(chunks.size(), 4u);               // in 100 ms chunks, each with its mark
  EXPECT_EQ(chunks[0].mark, "g0.1.100");
  EXPECT_EQ(drain(p, 100), 100u * 8);  // 100 ms played -> 100 ms more
  EXPECT_EQ(p.sent_ms(), 500u);
  EXPECT_EQ(p.played_ms(100), 100u);
  EXPECT_EQ(p.remaining_ms(100), 1900u);
}

TEST(Playout, AudioTricklingInGetsOneMarkPerChunkOfAudioNotPerChunk) {
  playout p({});
  std::vector<playout::chunk> chunks;
  for (std::uint64_t t = 0; t < 200; t += 20) {  // an AI streaming 20 ms deltas in real time
    p.push("it1", audio_ms(20));
    drain(p, t, &chunks);
  }
  ASSERT_EQ(chunks.size(), 10u);  // each delta goes out as soon as it comes: no added latency
  std::vector<std::string> marks;
  for (const auto& c : chunks)
    if (!c.mark.empty()) marks.push_back(c.mark);
  EXPECT_EQ(marks, (std::vector<std::string>{"g0.1.100", "g0.2.200"}));
}

TEST(Playout, MarkReanchorsTheClockWhenPlaybackRunsLate) {
  playout p({});
  p.push("it1", audio_ms(1000));
  drain(p, 0);
  EXPECT_EQ(p.played_ms(300), 300u);
  // The provider only finished the first 100 ms at t=300 (it started late): trust the mark.
  p.on_mark("g0.1.100", 300);
  EXPECT_EQ(p.played_ms(300), 100u);
  EXPECT_EQ(p.played_ms(350), 150u);
}

TEST(Playout, BargeInReportsWhatWasHeardOfTheCurrentItem) {
  playout p({});
  p.push("it1", audio_ms(1000));
  drain(p, 0);
  auto cut = p.interrupt(250);
  EXPECT_TRUE(cut.was_playing);
  EXPECT_EQ(cut.item_id, "it1");
  EXPECT_EQ(cut.audio_end_ms, 250u);
  EXPECT_EQ(p.queued_bytes(), 0u);
  EXPECT_EQ(p.generation(), 1u);
}

TEST(Playout, TruncationIsClampedToTheAudioReceived) {
  playout p({});
  p.push("it1", audio_ms(120));
  drain(p, 0);
  auto cut = p.interrupt(5000);  // long after: everything received was heard, no more
  EXPECT_FALSE(cut.was_playing);
  EXPECT_EQ(cut.audio_end_ms, 120u);
}

TEST(Playout, TruncationCountsFromTheStartOfTheItemBeingHeard) {
  playout p({});
  p.push("it1", audio_ms(200));
  p.push("it2", audio_ms(1000));
  drain(p, 0);
  drain(p, 300);
  auto cut = p.interrupt(450);  // it2 started at 200 ms
  EXPECT_EQ(cut.item_id, "it2");
  EXPECT_EQ(cut.audio_end_ms, 250u);
}

TEST(Playout, MarksFromBeforeAClearAreIgnored) {
  playout p({});
  p.push("it1", audio_ms(1000));
  drain(p, 0);
  p.interrupt(100);
  p.push("it2", audio_ms(1000));
  drain(p, 1000);               // new generation starts playing at t=1000
  p.on_mark("g0.4.400", 1010);  // echoed by the clear: flushed, not played
  EXPECT_EQ(p.played_ms(1010), 10u);
  p.on_mark("g1.5.100", 1120);
  EXPECT_EQ(p.played_ms(1120), 100u);
  p.on_mark("garbage", 1120);
  p.on_mark("g1.x.y", 1120);
  EXPECT_EQ(p.played_ms(1120), 100u);
}

TEST(Playout, AudioOfAnInterruptedItemIsDiscarded) {
  playout p({});
  p.push("it1", audio_ms(1000));
  drain(p, 0);
  p.interrupt(100);
  p.push("it1", audio_ms(500));  // a late delta of the cancelled response
  EXPECT_EQ(p.queued_bytes(), 0u);
  p.push("it2", audio_ms(100));
  EXPECT_EQ(p.queued_bytes(), 800u);
}

TEST(Playout, RestartsTheClockAfterRunningDry) {
  playout p({});
  p.push("it1", audio_ms(100));
  drain(p, 0);
  EXPECT_TRUE(p.idle(200));
  p.push("it2", audio_ms(100));
  drain(p, 5000);
  EXPECT_EQ(p.played_ms(5050), 150u);  // 100 ms of it1 + 50 ms of it2, not 5050
}

TEST(Playout, AudioBeyondTheBoundIsDroppedAndCounted) {
  playout p({voxgate::codecs::audio_format::g711_ulaw(), 400, 100, 1000});
  EXPECT_EQ(p.push("it1", audio_ms(800)), 0u);
  EXPECT_EQ(p.push("it1", audio_ms(800)), 600u * 8);  // only 200 ms fit under the 1 s bound
  EXPECT_EQ(p.queued_bytes(), 1000u * 8);
  EXPECT_EQ(p.overflow_bytes(), 600u * 8);
  drain(p, 0);  // 400 ms handed over: room again
  EXPECT_EQ(p.push("it1", audio_ms(400)), 0u);
}

TEST(Playout, ANonsenseFormatCannotDivideByZero) {
  // L16 at 500 Hz would be 0 bytes per ms; the floor of 1 keeps the clock defined.
  playout p({voxgate::codecs::audio_format::l16(500), 400, 100, 1000});
  p.push("it1", audio_ms(10));  // 80 bytes
  EXPECT_EQ(p.remaining_ms(0), 80u);
  EXPECT_EQ(drain(p, 0), 80u);
  EXPECT_EQ(p.played_ms(10), 10u);
}

// Twelve short AI items queued at once (more than the eight the clock used to keep): a barge-in in
// the third must truncate the third at what was heard of it, not the oldest item kept at 0 ms.
TEST(Playout, BargeInFindsThePlayingItemBehindManyQueuedItems) {
  playout p({});
  for (int i = 1; i <= 12; ++i) p.push("it" + std::to_string(i), audio_ms(50));
  for (std::uint64_t t = 0; t <= 130; t += 10) drain(p, t);
  auto cut = p.interrupt(130);  // items are 50 ms each: 130 ms in is 30 ms into it3
  EXPECT_TRUE(cut.was_playing);
  EXPECT_EQ(cut.item_id, "it3");
  EXPECT_EQ(cut.audio_end_ms, 30u);
}

// Played items are forgotten as playback moves on, so a long call keeps no history.
TEST(Playout, ItemsArePrunedOncePlayed) {
  playout p({});
  for (std::uint64_t t = 0; t < 10'000; t += 100) {
    p.push("it" + std::to_string(t), audio_ms(100));
    drain(p, t);
  }
  auto cut = p.interrupt(9'950);
  EXPECT_EQ(cut.item_id, "it9900");
  EXPECT_EQ(cut.audio_end_ms, 50u);
}

// Exotel plays chunks shorter than its minimum with gaps: chunks are whole minimums, waiting for room
// rather than handing over what the lead leaves; the tail leaves once everything before it played.
TEST(Playout, AMinimumChunkIsKeptUntilOnlyTheTailIsLeft) {
  playout::options o;
  o.format = voxgate::codecs::audio_format::pcm16(8000);  // 16 bytes per ms
  o.lead_ms = 400;
  o.chunk_ms = 200;
  o.min_chunk_ms = 200;
  playout p(o);
  p.push("it1", std::vector<std::uint8_t>(16 * 1050, 0x11));  // 1050 ms
  std::vector<playout::chunk> chunks;
  drain(p, 0, &chunks);
  ASSERT_EQ(chunks.size(), 2u);  // 400 ms of lead: two whole chunks
  for (const auto& c : chunks) EXPECT_EQ(c.audio.size(), 3200u);
  EXPECT_FALSE(p.next(150));  // 150 ms played: 150 ms of room is less than a chunk, so it waits
  auto c = p.next(200);       // 200 ms played: a whole chunk of room
  ASSERT_TRUE(c);
  EXPECT_EQ(c->audio.size(), 3200u);
  drain(p, 400);
  drain(p, 600);
  EXPECT_EQ(p.sent_ms(), 1000u);
  EXPECT_FALSE(p.next(700));  // the 50 ms tail waits while the provider still has audio to play
  auto tail = p.next(1000);   // it played everything: the tail goes
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->audio.size(), 16u * 50);
  EXPECT_EQ(p.queued_bytes(), 0u);
}
