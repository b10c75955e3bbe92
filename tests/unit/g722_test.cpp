#include "codecs/g722.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace voxgate::codecs::g722 {
namespace {

std::vector<std::int16_t> tone(std::size_t n) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int16_t>(8000 * std::sin(i * 0.37));
  return out;
}

// spandsp reads one sample past an odd count. The encoder must not: given odd chunks, it keeps the
// last sample for the next call, so the stream's bytes equal those of one whole encode. The chunks
// live in buffers of exactly their size, so a read past one is an ASan error in `make sanitize`.
TEST(G722Encoder, OddChunksEncodeAsOneStreamAndReadNothingPastTheirEnd) {
  auto samples = tone(1601);
  encoder whole;
  std::vector<std::uint8_t> expected(samples.size());
  expected.resize(whole.encode(samples, expected));
  EXPECT_EQ(expected.size(), 800u);  // the odd last sample waits for a pair that never comes

  encoder chunked;
  std::vector<std::uint8_t> got;
  std::size_t at = 0;
  for (std::size_t len : {1u, 3u, 7u, 160u, 161u, 1u, 2u, 999u, 267u}) {
    auto chunk = std::make_unique<std::int16_t[]>(len);
    std::copy(samples.begin() + at, samples.begin() + at + len, chunk.get());
    std::vector<std::uint8_t> out(len);
    out.resize(chunked.encode({chunk.get(), len}, out));
    got.insert(got.end(), out.begin(), out.end());
    at += len;
  }
  ASSERT_EQ(at, samples.size());
  EXPECT_EQ(got, expected);
}

TEST(G722Encoder, OutputThatDoesNotFitIsDroppedNotOverrun) {
  auto samples = tone(320);
  encoder enc;
  std::vector<std::uint8_t> small(10);
  EXPECT_EQ(enc.encode(samples, small), 10u);
}

TEST(G722Decoder, OutputThatDoesNotFitIsDroppedNotOverrun) {
  std::vector<std::uint8_t> bytes(160, 0x55);
  decoder dec;
  std::vector<std::int16_t> small(101);  // room for 50 bytes' worth
  EXPECT_EQ(dec.decode(bytes, small), 100u);
}

}  // namespace
}  // namespace voxgate::codecs::g722
