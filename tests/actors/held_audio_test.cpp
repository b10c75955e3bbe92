// Caller audio held until an AI session is ready: kept in order, bounded, the oldest dropped first and
// counted, all of it handed over once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actors/ai/openai_common.hpp"

using namespace voxgate::actors;

TEST(HeldAudio, KeepsTheNewestWithinItsBoundAndReleasesThemInOrderOnce) {
  metrics_registry metrics;
  ai::held_audio held;
  for (char c : std::string("abcde")) held.hold(std::string(100, c), 300, metrics);  // 500 bytes into 300
  EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 2);

  std::vector<char> sent;
  EXPECT_EQ(held.release([&](const std::string& chunk) { sent.push_back(chunk.front()); }), 3u);
  EXPECT_EQ(sent, (std::vector<char>{'c', 'd', 'e'}));
  EXPECT_EQ(held.release([&](const std::string&) { ADD_FAILURE() << "released twice"; }), 0u);

  held.hold(std::string(400, 'f'), 300, metrics);  // one chunk over the bound on its own: dropped too
  EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 3);
  held.hold(std::string(300, 'g'), 300, metrics);  // exactly the bound: kept
  EXPECT_EQ(held.release([](const std::string& chunk) { EXPECT_EQ(chunk.front(), 'g'); }), 1u);
}
