#include "codecs/g722.hpp"

#include <spandsp.h>

#include <algorithm>
#include <stdexcept>

namespace voxgate::codecs::g722 {

void encoder::release::operator()(g722_encode_state_s* s) const { g722_encode_free(s); }
void decoder::release::operator()(g722_decode_state_s* s) const { g722_decode_free(s); }

encoder::encoder() : state_(g722_encode_init(nullptr, 64000, 0)) {
  if (!state_) throw std::runtime_error("g722_encode_init failed");
}
encoder::~encoder() = default;
encoder::encoder(encoder&&) noexcept = default;
encoder& encoder::operator=(encoder&&) noexcept = default;

// spandsp encodes sample pairs and, given an odd count, reads one sample past the input: only whole
// pairs reach it, and the odd one is kept for the next call.
std::size_t encoder::encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  std::size_t written = 0;
  if (has_pending_ && !in.empty() && !out.empty()) {
    const std::int16_t pair[2] = {pending_, in.front()};
    written += static_cast<std::size_t>(g722_encode(state_.get(), out.data(), pair, 2));
    has_pending_ = false;
    in = in.subspan(1);
  }
  std::size_t pairs = std::min(in.size() / 2, out.size() - written);
  if (pairs > 0)
    written += static_cast<std::size_t>(
        g722_encode(state_.get(), out.data() + written, in.data(), static_cast<int>(pairs * 2)));
  if (in.size() == pairs * 2 + 1) {
    pending_ = in.back();
    has_pending_ = true;
  }
  return written;
}

decoder::decoder() : state_(g722_decode_init(nullptr, 64000, 0)) {
  if (!state_) throw std::runtime_error("g722_decode_init failed");
}
decoder::~decoder() = default;
decoder::decoder(decoder&&) noexcept = default;
decoder& decoder::operator=(decoder&&) noexcept = default;

std::size_t decoder::decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  std::size_t bytes = std::min(in.size(), out.size() / 2);
  if (bytes == 0) return 0;
  return static_cast<std::size_t>(g722_decode(state_.get(), out.data(), in.data(), static_cast<int>(bytes)));
}

}  // namespace voxgate::codecs::g722
