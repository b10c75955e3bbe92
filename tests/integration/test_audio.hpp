// What a simulated caller says in the PCM providers' whole-call tests: a tone, and its bytes on the wire.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "codecs/pcm16.hpp"

namespace voxgate::testing {

// A 400 Hz tone at 8 kHz, as samples.
inline std::vector<std::int16_t> tone(std::size_t samples, double amplitude = 8000) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i)
    out[i] = static_cast<std::int16_t>(amplitude * std::sin(2 * M_PI * 400.0 * static_cast<double>(i) / 8000.0));
  return out;
}

// Samples as 16-bit little-endian bytes.
inline std::string little_endian(const std::vector<std::int16_t>& samples) {
  std::string out(samples.size() * 2, '\0');
  for (std::size_t i = 0; i < samples.size(); ++i)
    codecs::pcm16::store_le(samples[i], reinterpret_cast<std::uint8_t*>(out.data()) + 2 * i);
  return out;
}

}  // namespace voxgate::testing
