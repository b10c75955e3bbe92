// The audio formats VoxGate moves between providers and AIs, as a small value type.
// Knows bytes per millisecond so playout and truncation arithmetic never guesses.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace voxgate::codecs {

enum class encoding : std::uint8_t { pcmu, pcma, pcm16 };

struct audio_format {
  encoding enc = encoding::pcmu;
  std::uint32_t sample_rate = 8000;

  constexpr std::uint32_t bytes_per_sample() const { return enc == encoding::pcm16 ? 2 : 1; }
  constexpr std::uint32_t bytes_per_ms() const { return sample_rate / 1000 * bytes_per_sample(); }
  constexpr std::uint32_t bytes_to_ms(std::uint64_t bytes) const {
    return static_cast<std::uint32_t>(bytes / bytes_per_ms());
  }
  constexpr bool operator==(const audio_format&) const = default;

  static constexpr audio_format g711_ulaw() { return {encoding::pcmu, 8000}; }
  static constexpr audio_format g711_alaw() { return {encoding::pcma, 8000}; }
  static constexpr audio_format pcm16(std::uint32_t rate) { return {encoding::pcm16, rate}; }
};

std::string_view to_string(encoding e);
// Accepts "pcmu", "pcma", "pcm16" (case-insensitive); nothing else.
std::optional<encoding> parse_encoding(std::string_view name);

}  // namespace voxgate::codecs
