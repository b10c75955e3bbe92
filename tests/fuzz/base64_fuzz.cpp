// base64: strict decode of any text, and encode -> decode of any bytes.
#include <memory>
#include <string>

#include "codecs/base64.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace base64 = voxgate::codecs::base64;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = voxgate::fuzz::as_text(data, size);

  // Decode into a heap buffer of exactly max_decoded_size so ASan sees any write past it.
  std::size_t max = base64::max_decoded_size(size);
  auto buffer = std::make_unique<std::uint8_t[]>(max);
  auto n = base64::decode(text, buffer.get());
  auto decoded = base64::decode(text);
  FUZZ_CHECK(n.has_value() == decoded.has_value());
  if (decoded) {
    FUZZ_CHECK(*n == decoded->size() && decoded->size() <= max);
    FUZZ_CHECK(decoded->compare(0, *n, reinterpret_cast<const char*>(buffer.get()), *n) == 0);
    FUZZ_CHECK(base64::is_valid(text));
    // Strict: only canonical text decodes, so encoding the bytes gives the text back.
    FUZZ_CHECK(base64::encode(*decoded) == text);
  }

  // Any bytes survive encode -> decode; encode_append leaves what was there.
  std::string encoded = "x";
  base64::encode_append(std::span(data, size), encoded);
  FUZZ_CHECK(encoded.size() == 1 + base64::encoded_size(size) && encoded[0] == 'x');
  std::string_view body(encoded);
  body.remove_prefix(1);
  FUZZ_CHECK(base64::is_valid(body));
  auto back = base64::decode(body);
  FUZZ_CHECK(back && *back == text);
  return 0;
}
