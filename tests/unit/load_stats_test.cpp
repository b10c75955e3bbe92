#include "tools/load/load_stats.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

using voxgate::tools::audio_position_tracker;
using voxgate::tools::latency_histogram;

TEST(LatencyHistogram, QuantilesAreWithinTwoPercent) {
  latency_histogram h;
  for (std::uint64_t us = 1; us <= 100000; ++us) h.record(us);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.max(), 100000u);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.50)), 50000, 50000 * 0.02);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.99)), 99000, 99000 * 0.02);
  EXPECT_EQ(h.quantile(1.0), 100000u);
  latency_histogram small;
  small.record(7);
  EXPECT_EQ(small.quantile(0.5), 7u);  // exact below 64 us
  small.merge(h);
  EXPECT_EQ(small.count(), 100001u);
}

TEST(AudioPositionTracker, LatencyIsMeasuredByPositionWhateverTheChunking) {
  std::vector<std::uint8_t> loop(8000);
  std::iota(loop.begin(), loop.end(), 0);
  audio_position_tracker t;
  for (int k = 0; k < 5; ++k) t.on_sent(1000 + 20000 * k);  // frames at 1, 21, 41, 61, 81 ms
  latency_histogram h;
  // 100 ms of audio comes back as one 250-byte chunk at 30 ms, then the other 550 bytes at 90 ms.
  t.on_received(std::span(loop.data(), 250), 30000, loop, h);
  EXPECT_EQ(h.count(), 1u);  // only frame 0 is complete
  EXPECT_EQ(h.max(), 29000u);
  t.on_received(std::span(loop.data() + 250, 550), 90000, loop, h);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.max(), 69000u);                                             // frame 1: sent at 21 ms, complete at 90 ms
  EXPECT_NEAR(static_cast<double>(h.quantile(0.01)), 9000, 9000 * 0.02);  // frame 4: sent at 81 ms
  EXPECT_EQ(t.frames_missing(), 0u);
  EXPECT_EQ(t.bytes_differing(), 0u);
}

TEST(AudioPositionTracker, WrongAudioExtraAudioAndLossAreCounted) {
  std::vector<std::uint8_t> loop(8000, 0x55);
  std::vector<std::uint8_t> other(160, 0x11);
  audio_position_tracker t;
  t.on_sent(0);
  t.on_sent(20000);
  t.on_sent(40000);
  latency_histogram h;
  t.on_received(other, 50000, loop, h);
  EXPECT_EQ(t.bytes_differing(), 160u);
  EXPECT_EQ(t.frames_missing(), 2u);
  t.on_received(std::span(loop.data(), 480), 60000, loop, h);
  EXPECT_EQ(t.bytes_beyond_sent(), 160u);  // 640 bytes back for 480 sent
}

TEST(AudioPositionTracker, AFrameOlderThanTheRingIsLateNotMismeasured) {
  std::vector<std::uint8_t> loop(8000, 0);
  audio_position_tracker t;
  for (std::size_t k = 0; k < audio_position_tracker::ring_frames + 10; ++k) t.on_sent(k * 20000);
  latency_histogram h;
  t.on_received(std::span(loop.data(), 160 * 20), 20'000'000, loop, h);
  EXPECT_EQ(t.frames_late(), 10u);
  EXPECT_EQ(h.count(), 10u);
}

TEST(AudioPositionTracker, EveryHistogramGivenGetsTheSameLatencies) {
  std::vector<std::uint8_t> loop(8000, 0);
  audio_position_tracker t;
  for (int k = 0; k < 3; ++k) t.on_sent(20000 * k);
  latency_histogram all, steady, second;
  t.on_received(std::span(loop.data(), 160), 25000, loop, all, nullptr, &second);
  t.on_received(std::span(loop.data(), 320), 70000, loop, all, &steady, &second);
  EXPECT_EQ(all.count(), 3u);
  EXPECT_EQ(steady.count(), 2u);
  EXPECT_EQ(second.count(), 3u);
  EXPECT_EQ(second.max(), all.max());
}
