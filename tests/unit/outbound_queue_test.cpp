#include "net/outbound_queue.hpp"

#include <gtest/gtest.h>

using voxgate::net::outbound_queue;

TEST(OutboundQueue, OverTheBoundDropsTheOldestAudioNotInFlight) {
  outbound_queue q(300);
  EXPECT_EQ(q.push(std::string(100, 'a'), true, 0), 0u);  // a: being written
  EXPECT_EQ(q.push(std::string(100, 'b'), true, 1), 0u);
  EXPECT_EQ(q.push(std::string(100, 'c'), true, 1), 0u);
  EXPECT_EQ(q.push(std::string(100, 'd'), true, 1), 1u);  // b goes, a stays (in flight)
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front()[0], 'a');
  q.pop();
  EXPECT_EQ(q.front()[0], 'c');
  EXPECT_EQ(q.bytes(), 200u);
}

TEST(OutboundQueue, ControlFramesAreNeverDropped) {
  outbound_queue q(150);
  q.push("mark-1", false, 0);
  q.push(std::string(100, 'x'), true, 1);
  q.push("clear", false, 1);
  EXPECT_EQ(q.push(std::string(100, 'y'), true, 1), 1u);  // the older audio goes, not the marks
  EXPECT_EQ(q.size(), 3u);
  q.pop();
  EXPECT_EQ(q.front(), "clear");
}

TEST(OutboundQueue, NothingDroppableMeansItGrowsRatherThanLoseControl) {
  outbound_queue q(10);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q.push("control-frame", false, i > 0 ? 1 : 0), 0u);
  EXPECT_EQ(q.size(), 5u);
}

// A send that gathers several frames keeps all of them: over the bound, only audio behind it goes.
TEST(OutboundQueue, FramesOfTheSendUnderWayAreNeverDropped) {
  outbound_queue q(300);
  for (char c : {'a', 'b', 'c'}) q.push(std::string(100, c), true, 0);
  EXPECT_EQ(q.count_within(250), 2u);  // a and b fit in one send of 250 bytes
  EXPECT_EQ(q.count_within(50), 1u);   // the front frame always goes
  EXPECT_EQ(q.push(std::string(100, 'd'), true, 2), 1u);  // c goes: a and b are being sent
  EXPECT_EQ(q.front()[0], 'a');
  q.pop();
  EXPECT_EQ(q.front()[0], 'b');
  q.pop();
  EXPECT_EQ(q.front()[0], 'd');
}
