// WAV reading: any bytes; what is accepted writes back and reads again unchanged.
#include <string>

#include "codecs/wav.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace wav = voxgate::codecs::wav;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string why;
  auto audio = wav::from_bytes(voxgate::fuzz::as_text(data, size), &why);
  if (!audio) {
    FUZZ_CHECK(!why.empty());
    return 0;
  }
  FUZZ_CHECK(audio->samples.size() * 2 <= size);
  auto again = wav::from_bytes(wav::to_bytes(*audio));
  FUZZ_CHECK(again && again->sample_rate == audio->sample_rate && again->samples == audio->samples);
  return 0;
}
