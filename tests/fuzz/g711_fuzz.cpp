// G.711: decoding any code byte, encoding any sample, and the buffer forms against the per-sample ones.
#include <cstdlib>
#include <vector>

#include "codecs/g711.hpp"
#include "codecs/pcm16.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace g711 = voxgate::codecs::g711;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> codes(data, size);
  std::vector<std::int16_t> pcm(size);
  FUZZ_CHECK(g711::decode_ulaw(codes, pcm) == size);
  for (std::size_t i = 0; i < size; ++i) {
    FUZZ_CHECK(pcm[i] == g711::ulaw_to_linear(data[i]));
    // Every code but mu-law's negative zero (0x7F, which encodes back as 0xFF) round-trips.
    if (data[i] != 0x7F) FUZZ_CHECK(g711::linear_to_ulaw(pcm[i]) == data[i]);
  }
  FUZZ_CHECK(g711::decode_alaw(codes, pcm) == size);
  for (std::size_t i = 0; i < size; ++i) {
    FUZZ_CHECK(pcm[i] == g711::alaw_to_linear(data[i]));
    FUZZ_CHECK(g711::linear_to_alaw(pcm[i]) == data[i]);
  }

  // The same bytes as little-endian samples: encoding loses at most a quantisation step of the
  // top segment, keeps the sign, and re-encoding what it decodes changes nothing.
  std::vector<std::int16_t> samples(size / 2);
  voxgate::codecs::pcm16::from_bytes(codes, samples);
  std::vector<std::uint8_t> coded(samples.size());
  FUZZ_CHECK(g711::encode_ulaw(samples, coded) == samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    FUZZ_CHECK(coded[i] == g711::linear_to_ulaw(samples[i]));
    int back = g711::ulaw_to_linear(coded[i]);
    FUZZ_CHECK(std::abs(back - samples[i]) <= 1024);
    FUZZ_CHECK(g711::linear_to_ulaw(static_cast<std::int16_t>(back)) == coded[i]);
  }
  FUZZ_CHECK(g711::encode_alaw(samples, coded) == samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    FUZZ_CHECK(coded[i] == g711::linear_to_alaw(samples[i]));
    int back = g711::alaw_to_linear(coded[i]);
    FUZZ_CHECK(std::abs(back - samples[i]) <= 1024);
    FUZZ_CHECK(g711::linear_to_alaw(static_cast<std::int16_t>(back)) == coded[i]);
  }
  return 0;
}
