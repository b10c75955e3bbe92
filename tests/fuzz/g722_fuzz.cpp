// G.722 both ways, fed in pieces of any size (each codec keeps state): decoding any byte stream, and
// encoding any samples in pieces of any length (odd ones included) gives the bytes of one whole encode.
#include <fuzzer/FuzzedDataProvider.h>

#include <vector>

#include "codecs/g722.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace g722 = voxgate::codecs::g722;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    g722::decoder decoder;
    while (in.remaining_bytes() > 0) {
      auto piece = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 400));
      // Exactly the documented room (two samples per byte) on the heap, so ASan sees an overrun.
      std::vector<std::int16_t> out(piece.size() * 2);
      std::size_t n = decoder.decode(piece, out);
      FUZZ_CHECK(n == piece.size() * 2);
    }
    return 0;
  }
  std::vector<std::vector<std::int16_t>> pieces;
  std::vector<std::int16_t> all;
  while (in.remaining_bytes() > 1) {
    auto count = in.ConsumeIntegralInRange<std::size_t>(0, 161);
    std::vector<std::int16_t> piece;  // exactly its size on the heap: a read past it is an ASan error
    for (std::size_t i = 0; i < count && in.remaining_bytes() > 1; ++i) piece.push_back(in.ConsumeIntegral<std::int16_t>());
    all.insert(all.end(), piece.begin(), piece.end());
    pieces.push_back(std::move(piece));
  }
  g722::encoder whole, chunked;
  std::vector<std::uint8_t> expected((all.size() + 1) / 2);
  expected.resize(whole.encode(all, expected));
  FUZZ_CHECK(expected.size() == all.size() / 2);
  std::vector<std::uint8_t> got;
  for (const auto& piece : pieces) {
    std::vector<std::uint8_t> out((piece.size() + 1) / 2);
    out.resize(chunked.encode(piece, out));
    got.insert(got.end(), out.begin(), out.end());
  }
  FUZZ_CHECK(got == expected);
  return 0;
}
