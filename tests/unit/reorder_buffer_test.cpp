#include "net/reorder_buffer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using voxgate::net::reorder_buffer;

namespace {
std::vector<int> feed(reorder_buffer<int>& r, std::initializer_list<int> seqs) {
  std::vector<int> out;
  for (int s : seqs) r.push(static_cast<std::uint64_t>(s), s, [&](int v) { out.push_back(v); });
  return out;
}
}  // namespace

TEST(ReorderBuffer, InOrderPassesStraightThrough) {
  reorder_buffer<int> r;
  EXPECT_EQ(feed(r, {1, 2, 3, 4}), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(r.held(), 0u);
}

TEST(ReorderBuffer, SwappedFramesComeOutInOrder) {
  reorder_buffer<int> r;
  EXPECT_EQ(feed(r, {1, 3, 2, 5, 4, 6}), (std::vector<int>{1, 2, 3, 4, 5, 6}));
}

TEST(ReorderBuffer, AGapThatOutlivesTheBoundIsSkippedAndCounted) {
  reorder_buffer<int> r(3);
  EXPECT_EQ(feed(r, {1, 3, 4, 5}), (std::vector<int>{1}));
  EXPECT_EQ(feed(r, {6}), (std::vector<int>{3, 4, 5, 6}));  // 2 never came
  EXPECT_EQ(r.skipped(), 1u);
  EXPECT_EQ(feed(r, {2}), (std::vector<int>{}));  // too late now
  EXPECT_EQ(r.late(), 1u);
}

TEST(ReorderBuffer, DuplicatesAreDroppedAndUnnumberedFramesPass) {
  reorder_buffer<int> r;
  EXPECT_EQ(feed(r, {1, 1, 2, 2}), (std::vector<int>{1, 2}));
  EXPECT_EQ(r.late(), 2u);
  EXPECT_EQ(feed(r, {0, 0}), (std::vector<int>{0, 0}));
}
