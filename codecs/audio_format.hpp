// The audio formats VoxGate moves between providers and AIs, as a small value type.
// Knows bytes per millisecond so playout and truncation arithmetic never guesses.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace voxgate::codecs {

// pcm16: 16-bit little-endian (what AIs speak); l16: 16-bit big-endian (RTP L16, RFC 3551);
// g722: 64 kbit/s G.722 at 16 kHz (one byte per two samples).
enum class encoding : std::uint8_t { pcmu, pcma, pcm16, l16, g722 };

struct audio_format {
  encoding enc = encoding::pcmu;
  std::uint32_t sample_rate = 8000;

  constexpr bool linear16() const { return enc == encoding::pcm16 || enc == encoding::l16; }
  constexpr bool g711() const { return enc == encoding::pcmu || enc == encoding::pcma; }
  // Chunks are cut at multiples of this many bytes (whole samples).
  constexpr std::uint32_t alignment() const { return linear16() ? 2 : 1; }
  // Never 0, so time arithmetic cannot divide by zero whatever a provider announces.
  constexpr std::uint32_t bytes_per_ms() const {
    if (enc == encoding::g722) return 8;
    std::uint32_t n = sample_rate / 1000 * (linear16() ? 2 : 1);
    return n ? n : 1;
  }
  constexpr std::uint32_t bytes_to_ms(std::uint64_t bytes) const {
    return static_cast<std::uint32_t>(bytes / bytes_per_ms());
  }
  constexpr bool operator==(const audio_format&) const = default;

  static constexpr audio_format g711_ulaw() { return {encoding::pcmu, 8000}; }
  static constexpr audio_format g711_alaw() { return {encoding::pcma, 8000}; }
  static constexpr audio_format pcm16(std::uint32_t rate) { return {encoding::pcm16, rate}; }
  static constexpr audio_format l16(std::uint32_t rate) { return {encoding::l16, rate}; }
  static constexpr audio_format g722() { return {encoding::g722, 16000}; }
};

std::string_view to_string(encoding e);
// Accepts "pcmu", "pcma", "pcm16", "l16", "g722" (case-insensitive); nothing else.
std::optional<encoding> parse_encoding(std::string_view name);

}  // namespace voxgate::codecs
