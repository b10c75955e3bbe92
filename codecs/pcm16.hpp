// PCM16 helpers: little-endian byte views of sample buffers, and signal energy for simple VAD.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace voxgate::codecs::pcm16 {

inline std::int16_t load_le(const std::uint8_t* p) { return static_cast<std::int16_t>(p[0] | (p[1] << 8)); }
inline void store_le(std::int16_t v, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(v & 0xFF);
  p[1] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
}

inline std::int16_t swap_bytes(std::int16_t v) {
  auto u = static_cast<std::uint16_t>(v);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>((u >> 8) | (u << 8)));
}

// Bytes (LE) -> samples; returns the sample count (bytes / 2).
inline std::size_t from_bytes(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  std::size_t n = in.size() / 2;
  for (std::size_t i = 0; i < n; ++i) out[i] = load_le(&in[2 * i]);
  return n;
}
inline std::size_t to_bytes(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) store_le(in[i], &out[2 * i]);
  return in.size() * 2;
}

// Root mean square of a block, in sample units.
inline double rms(std::span<const std::int16_t> in) {
  if (in.empty()) return 0.0;
  double sum = 0.0;
  for (auto s : in) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(in.size()));
}

}  // namespace voxgate::codecs::pcm16
