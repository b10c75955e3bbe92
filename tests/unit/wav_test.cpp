#include "codecs/wav.hpp"

#include <gtest/gtest.h>

using namespace voxgate::codecs;

TEST(Wav, WritesAndReadsMonoPcm16) {
  wav::pcm_audio a;
  a.sample_rate = 8000;
  a.samples = {0, 1, -1, 32767, -32768};
  auto bytes = wav::to_bytes(a);
  EXPECT_EQ(bytes.size(), 44u + 10u);
  auto back = wav::from_bytes(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sample_rate, 8000u);
  EXPECT_EQ(back->samples, a.samples);
}

TEST(Wav, RefusesOtherFormatsWithAReason) {
  std::string why;
  EXPECT_FALSE(wav::from_bytes("not a wav", &why));
  EXPECT_EQ(why, "not a RIFF/WAVE file");
  auto bytes = wav::to_bytes({8000, {1, 2}});
  bytes[22] = 2;  // stereo
  EXPECT_FALSE(wav::from_bytes(bytes, &why));
  EXPECT_EQ(why, "only mono 16-bit PCM WAV is supported");
}
