#include "codecs/g711.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace voxgate::codecs::g711;

namespace {

// G.711 mu-law as the standard describes it: sign, 3-bit exponent, 4-bit mantissa, inverted;
// magnitude = ((2 * mantissa + 33) << exponent) - 33, in 14-bit units (x4 for 16-bit PCM).
int standard_ulaw(int code) {
  int inv = ~code & 0xFF;
  int exponent = (inv >> 4) & 7;
  int mantissa = inv & 15;
  int magnitude = (((2 * mantissa + 33) << exponent) - 33) * 4;
  return (inv & 0x80) ? -magnitude : magnitude;
}

// G.711 A-law: even bits inverted; segment 0 is linear, others double per segment (13-bit units, x8).
int standard_alaw(int code) {
  int v = code ^ 0x55;
  int exponent = (v >> 4) & 7;
  int mantissa = v & 15;
  int magnitude = exponent == 0 ? 2 * mantissa + 1 : (2 * mantissa + 33) << (exponent - 1);
  magnitude *= 8;
  return (v & 0x80) ? magnitude : -magnitude;
}

}  // namespace

TEST(G711, UlawDecodeMatchesTheStandardForAll256Codes) {
  for (int c = 0; c < 256; ++c) EXPECT_EQ(ulaw_to_linear(static_cast<std::uint8_t>(c)), standard_ulaw(c)) << c;
  EXPECT_EQ(ulaw_to_linear(0x00), -32124);
  EXPECT_EQ(ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);
}

TEST(G711, AlawDecodeMatchesTheStandardForAll256Codes) {
  for (int c = 0; c < 256; ++c) EXPECT_EQ(alaw_to_linear(static_cast<std::uint8_t>(c)), standard_alaw(c)) << c;
  EXPECT_EQ(alaw_to_linear(0xD5), 8);
  EXPECT_EQ(alaw_to_linear(0x55), -8);
  EXPECT_EQ(alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(alaw_to_linear(0x2A), -32256);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    if (code != 0x7F) {  // 0x7F is mu-law's -0
      EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(code)), code) << c;
    }
    EXPECT_EQ(linear_to_alaw(alaw_to_linear(code)), code) << c;
  }
  EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(0x7F)), 0xFF);
}

TEST(G711, All65536PcmValuesQuantizeMonotonicallyWithinHalfAStep) {
  int prev_u = -40000, prev_a = -40000;
  for (int x = -32768; x <= 32767; ++x) {
    auto s = static_cast<std::int16_t>(x);
    int u = ulaw_to_linear(linear_to_ulaw(s));
    int a = alaw_to_linear(linear_to_alaw(s));
    EXPECT_GE(u, prev_u) << x;
    EXPECT_GE(a, prev_a) << x;
    prev_u = u;
    prev_a = a;
    // Logarithmic companding: the error is a small fraction of the value (plus the clip region).
    EXPECT_LE(std::abs(u - x), std::abs(x) / 16 + 8) << x;
    EXPECT_LE(std::abs(a - x), std::abs(x) / 16 + 16) << x;
  }
}

TEST(G711, BufferFormsMatchPerSample) {
  std::vector<std::int16_t> pcm{0, 100, -100, 32767, -32768, 1234};
  std::vector<std::uint8_t> u(pcm.size()), a(pcm.size());
  encode_ulaw(pcm, u);
  encode_alaw(pcm, a);
  std::vector<std::int16_t> back(pcm.size());
  decode_ulaw(u, back);
  for (std::size_t i = 0; i < pcm.size(); ++i) EXPECT_EQ(back[i], ulaw_to_linear(linear_to_ulaw(pcm[i])));
  decode_alaw(a, back);
  for (std::size_t i = 0; i < pcm.size(); ++i) EXPECT_EQ(back[i], alaw_to_linear(linear_to_alaw(pcm[i])));
}
