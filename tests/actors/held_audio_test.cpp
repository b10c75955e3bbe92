// Caller audio held until an AI session is ready: kept in order, bounded in time whatever its format,
// the oldest dropped first and counted, all of it handed over once.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "actors/ai/openai_common.hpp"

using namespace voxgate::actors;
using voxgate::codecs::audio_format;
using std::chrono::milliseconds;

namespace {

audio_chunk chunk_of(audio_format format, std::size_t bytes, char fill) {
  return audio_chunk{format, std::string(bytes, fill), {}};
}

}  // namespace

TEST(HeldAudio, KeepsTheNewestWithinItsBoundAndReleasesThemInOrderOnce) {
  metrics_registry metrics;
  ai::held_audio held;
  auto ulaw = audio_format::g711_ulaw();  // 8 bytes a millisecond
  for (char c : std::string("abcde")) held.hold(chunk_of(ulaw, 160, c), milliseconds(60), metrics);  // 100 ms into 60
  EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 2);

  std::vector<char> sent;
  EXPECT_EQ(held.release([&](const std::string& chunk) { sent.push_back(chunk.front()); }), 3u);
  EXPECT_EQ(sent, (std::vector<char>{'c', 'd', 'e'}));
  EXPECT_EQ(held.release([&](const std::string&) { ADD_FAILURE() << "released twice"; }), 0u);

  held.hold(chunk_of(ulaw, 640, 'f'), milliseconds(60), metrics);  // one chunk over the bound on its own: dropped too
  EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 3);
  held.hold(chunk_of(ulaw, 480, 'g'), milliseconds(60), metrics);  // exactly the bound: kept
  EXPECT_EQ(held.release([](const std::string& chunk) { EXPECT_EQ(chunk.front(), 'g'); }), 1u);
}

// The bound is a duration: ten seconds of 24 kHz PCM (480,000 bytes) are kept as ten seconds of
// G.711 (80,000 bytes) are; a bound in G.711's bytes would have kept 1.7 s of it.
TEST(HeldAudio, HoldsTheSameTimeOfAudioInEveryFormat) {
  for (auto format : {audio_format::g711_ulaw(), audio_format::pcm16(24000), audio_format::pcm16(16000),
                      audio_format::g722()}) {
    SCOPED_TRACE(std::string(voxgate::codecs::to_string(format.enc)) + " " + std::to_string(format.sample_rate));
    metrics_registry metrics;
    ai::held_audio held;
    auto frame = format.bytes_per_ms() * 20;
    for (int i = 0; i < 500; ++i) held.hold(chunk_of(format, frame, 'x'), milliseconds(10000), metrics);  // 10 s
    EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 0);
    held.hold(chunk_of(format, frame, 'y'), milliseconds(10000), metrics);  // 20 ms more: the oldest frame goes
    EXPECT_EQ(metrics.frames_dropped.value_of({"ai", "in_held"}), 1);
    EXPECT_EQ(held.release([](const std::string&) {}), 500u);
  }
}
