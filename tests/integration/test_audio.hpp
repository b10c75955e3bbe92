// What a simulated caller says in the PCM providers' whole-call tests: a tone, and its bytes on the wire.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "codecs/g711.hpp"
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

// Samples as u-law bytes (what an AI that speaks G.711 sends), and u-law as the samples it decodes to.
inline std::string ulaw_of(const std::vector<std::int16_t>& samples) {
  std::string out;
  for (auto s : samples) out.push_back(static_cast<char>(codecs::g711::linear_to_ulaw(s)));
  return out;
}
inline std::vector<std::int16_t> samples_of_ulaw(const std::string& ulaw) {
  std::vector<std::int16_t> out;
  for (char c : ulaw) out.push_back(codecs::g711::ulaw_to_linear(static_cast<std::uint8_t>(c)));
  return out;
}

// Whether u-law `heard` is the caller's `said`, sample for sample within G.711's rounding at a tone's
// amplitude.
inline ::testing::AssertionResult ulaw_is(const std::string& heard, const std::vector<std::int16_t>& said) {
  if (heard.size() != said.size())
    return ::testing::AssertionFailure() << heard.size() << " samples heard of " << said.size() << " said";
  for (std::size_t i = 0; i < said.size(); ++i)
    if (std::abs(codecs::g711::ulaw_to_linear(static_cast<std::uint8_t>(heard[i])) - said[i]) > 260)
      return ::testing::AssertionFailure() << "sample " << i << " differs";
  return ::testing::AssertionSuccess();
}

}  // namespace voxgate::testing
