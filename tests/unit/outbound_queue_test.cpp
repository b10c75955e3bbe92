#include "net/outbound_queue.hpp"

#include <gtest/gtest.h>

using voxgate::net::outbound_queue;

TEST(OutboundQueue, OverTheBoundDropsTheOldestAudioNotInFlight) {
  outbound_queue q(300);
  EXPECT_EQ(q.push(std::string(100, 'a'), true, false), 0u);  // a: being written
  EXPECT_EQ(q.push(std::string(100, 'b'), true, true), 0u);
  EXPECT_EQ(q.push(std::string(100, 'c'), true, true), 0u);
  EXPECT_EQ(q.push(std::string(100, 'd'), true, true), 1u);  // b goes, a stays (in flight)
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front()[0], 'a');
  q.pop();
  EXPECT_EQ(q.front()[0], 'c');
  EXPECT_EQ(q.bytes(), 200u);
}

TEST(OutboundQueue, ControlFramesAreNeverDropped) {
  outbound_queue q(150);
  q.push("mark-1", false, false);
  q.push(std::string(100, 'x'), true, true);
  q.push("clear", false, true);
  EXPECT_EQ(q.push(std::string(100, 'y'), true, true), 1u);  // the older audio goes, not the marks
  EXPECT_EQ(q.size(), 3u);
  q.pop();
  EXPECT_EQ(q.front(), "clear");
}

TEST(OutboundQueue, NothingDroppableMeansItGrowsRatherThanLoseControl) {
  outbound_queue q(10);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q.push("control-frame", false, i > 0), 0u);
  EXPECT_EQ(q.size(), 5u);
}
