#include "codecs/g722.hpp"

#include <spandsp.h>

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

std::size_t encoder::encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  return static_cast<std::size_t>(g722_encode(state_.get(), out.data(), in.data(), static_cast<int>(in.size())));
}

decoder::decoder() : state_(g722_decode_init(nullptr, 64000, 0)) {
  if (!state_) throw std::runtime_error("g722_decode_init failed");
}
decoder::~decoder() = default;
decoder::decoder(decoder&&) noexcept = default;
decoder& decoder::operator=(decoder&&) noexcept = default;

std::size_t decoder::decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  return static_cast<std::size_t>(g722_decode(state_.get(), out.data(), in.data(), static_cast<int>(in.size())));
}

}  // namespace voxgate::codecs::g722
