// G.711 mu-law and A-law (ITU-T G.711), per sample and per buffer.
// Decoding is a table lookup; encoding follows the standard's segment search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace voxgate::codecs::g711 {

std::int16_t ulaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_ulaw(std::int16_t sample);
std::int16_t alaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_alaw(std::int16_t sample);

// Buffer forms: `out` must be at least as long as `in`. Return the count written.
std::size_t decode_ulaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out);
std::size_t encode_ulaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out);
std::size_t decode_alaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out);
std::size_t encode_alaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out);

}  // namespace voxgate::codecs::g711
