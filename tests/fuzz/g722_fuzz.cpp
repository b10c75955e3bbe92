// G.722 decoding of any byte stream, fed in pieces of any size to one decoder (it keeps state).
#include <fuzzer/FuzzedDataProvider.h>

#include <vector>

#include "codecs/g722.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  voxgate::codecs::g722::decoder decoder;
  while (in.remaining_bytes() > 0) {
    auto piece = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 400));
    // Exactly the documented room (two samples per byte) on the heap, so ASan sees an overrun.
    std::vector<std::int16_t> out(piece.size() * 2);
    std::size_t n = decoder.decode(piece, out);
    FUZZ_CHECK(n == piece.size() * 2);
  }
  return 0;
}
