// The simulated caller's ear (tools/sim/playback): marks come back when the audio before them has
// played, at G.711's 8 bytes a millisecond, on a made-up clock.
#include "tools/sim/playback.hpp"

#include <gtest/gtest.h>

namespace voxgate::sim {
namespace {

using namespace std::chrono_literals;
using names = std::vector<std::string>;

const playback::time_point t0 = playback::clock::now();

TEST(Playback, MarkWithNothingQueuedIsDueAtOnce) {
  playback p;
  p.on_mark("m1", t0);
  EXPECT_EQ(p.due(t0), names{"m1"});
  EXPECT_TRUE(p.due(t0 + 1s).empty());  // answered once
}

TEST(Playback, MarkComesBackOnceTheAudioBeforeItHasPlayed) {
  playback p;
  p.on_media(1600, t0);  // 200 ms of G.711
  p.on_mark("m1", t0 + 10ms);
  EXPECT_EQ(p.next_due(), t0 + 200ms);
  EXPECT_TRUE(p.due(t0 + 199ms).empty());
  EXPECT_EQ(p.due(t0 + 200ms), names{"m1"});
}

TEST(Playback, AudioQueuesBehindWhatIsPlaying) {
  playback p;
  EXPECT_EQ(p.on_media(160, t0), t0);
  EXPECT_EQ(p.on_media(160, t0 + 5ms), t0 + 20ms);  // after the first frame, not on arrival
  p.on_mark("a", t0 + 5ms);
  p.on_media(800, t0 + 6ms);  // 100 ms more, after the mark
  p.on_mark("b", t0 + 6ms);
  EXPECT_EQ(p.due(t0 + 40ms), names{"a"});
  EXPECT_TRUE(p.due(t0 + 139ms).empty());
  EXPECT_EQ(p.due(t0 + 140ms), names{"b"});
  EXPECT_EQ(p.played(t0 + 140ms), 140ms);
}

TEST(Playback, AudioAfterSilenceStartsOnArrival) {
  playback p;
  p.on_media(160, t0);
  EXPECT_EQ(p.on_media(160, t0 + 1s), t0 + 1s);
  EXPECT_EQ(p.played_until(), t0 + 1s + 20ms);
}

TEST(Playback, ClearReturnsEveryPendingMarkAtOnceAndDropsTheUnplayedAudio) {
  playback p;
  p.on_media(8000, t0);  // 1 s
  p.on_mark("a", t0);
  p.on_media(8000, t0);
  p.on_mark("b", t0);
  EXPECT_EQ(p.on_clear(t0 + 300ms), (names{"a", "b"}));
  EXPECT_EQ(p.pending_marks(), 0u);
  EXPECT_EQ(p.queued(t0 + 300ms), 0ms);
  EXPECT_EQ(p.played(t0 + 2s), 300ms);
  p.on_mark("c", t0 + 300ms);  // nothing left before it
  EXPECT_EQ(p.due(t0 + 300ms), names{"c"});
}

TEST(Playback, AnotherByteRatePlaysAtThatRate) {
  playback p(16);  // PCM16 at 8 kHz
  p.on_media(320, t0);
  p.on_mark("m", t0);
  EXPECT_TRUE(p.due(t0 + 19ms).empty());
  EXPECT_EQ(p.due(t0 + 20ms), names{"m"});
}

}  // namespace
}  // namespace voxgate::sim
