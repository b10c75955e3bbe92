// The built-in prompts: spoken at build time, trimmed, and converted to every format a call may use.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "actors/prompts.hpp"
#include "codecs/g711.hpp"

using namespace voxgate;
using actors::prompts::prompt;

namespace {

double rms(std::span<const std::int16_t> s) {
  double sum = 0;
  for (auto v : s) sum += static_cast<double>(v) * v;
  return s.empty() ? 0 : std::sqrt(sum / static_cast<double>(s.size()));
}

}  // namespace

TEST(Prompts, AreSpeechOfAFewSecondsWithNoLeadingSilence) {
  for (auto p : {prompt::greeting, prompt::apology}) {
    auto s = actors::prompts::samples(p, 8000);
    EXPECT_GT(s.size(), 8000u * 3 / 2);  // long enough to notice
    EXPECT_LT(s.size(), 8000u * 6);      // short enough not to keep a caller waiting
    EXPECT_GT(rms(s), 1000.0);           // speech, not a hum
    EXPECT_GT(rms(s.first(400)), 300.0);  // trimmed: the first 50 ms are already the first word
  }
}

TEST(Prompts, TheSameSpeechAtEveryRate) {
  auto narrow = actors::prompts::samples(prompt::apology, 8000);
  auto wide = actors::prompts::samples(prompt::apology, 24000);
  EXPECT_NEAR(static_cast<double>(wide.size()), 3.0 * static_cast<double>(narrow.size()),
              0.01 * static_cast<double>(wide.size()));  // the resamplers' own delays differ
  EXPECT_NEAR(rms(wide), rms(narrow), rms(narrow) * 0.15);
  // Kept: the second request returns the same samples.
  EXPECT_EQ(actors::prompts::samples(prompt::apology, 8000).data(), narrow.data());
}

TEST(Prompts, EncodedForEachCallFormat) {
  auto pcm = actors::prompts::samples(prompt::greeting, 8000);
  auto ulaw = actors::prompts::encoded(prompt::greeting, codecs::audio_format::g711_ulaw());
  ASSERT_EQ(ulaw.size(), pcm.size());
  std::vector<std::int16_t> back(ulaw.size());
  codecs::g711::decode_ulaw({reinterpret_cast<const std::uint8_t*>(ulaw.data()), ulaw.size()}, back);
  EXPECT_NEAR(rms(back), rms(pcm), rms(pcm) * 0.05);
  EXPECT_EQ(actors::prompts::encoded(prompt::greeting, codecs::audio_format::g711_alaw()).size(), pcm.size());
  EXPECT_EQ(actors::prompts::encoded(prompt::greeting, codecs::audio_format::l16(16000)).size(),
            actors::prompts::samples(prompt::greeting, 16000).size() * 2);
  // G.722: 16 kHz in, one byte per two samples.
  EXPECT_EQ(actors::prompts::encoded(prompt::greeting, codecs::audio_format::g722()).size(),
            actors::prompts::samples(prompt::greeting, 16000).size() / 2);
}
