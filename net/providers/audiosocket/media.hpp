// Asterisk AudioSocket's frames (docs/providers/audiosocket.md §2): kind (1 byte), length (2 bytes,
// big-endian), payload. In: the UUID first (0x01), slin audio (0x10..0x18, s16le), DTMF (0x03), and
// 0x00/0xff as an end. Out: slin audio of exactly 20 ms a frame, and nothing else (no mark, no clear).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::audiosocket {

inline constexpr std::uint8_t kind_hangup = 0x00;
inline constexpr std::uint8_t kind_uuid = 0x01;
inline constexpr std::uint8_t kind_dtmf = 0x03;
inline constexpr std::uint8_t kind_slin = 0x10;  // 8 kHz; 0x11..0x18 the higher rates
inline constexpr std::uint8_t kind_error = 0xff;

// The sample rate of an audio kind (0x10 = 8000 ... 0x18 = 192000), nothing for another kind.
std::optional<std::uint32_t> rate_of_kind(std::uint8_t kind);
// The audio kind of a rate, nothing for a rate AudioSocket has no kind for.
std::optional<std::uint8_t> kind_of_rate(std::uint32_t rate);

using uuid_bytes = std::array<std::uint8_t, 16>;
// Canonical text, lower case: 8-4-4-4-12 hex digits (what the dialplan's string parses from).
std::string format_uuid(const uuid_bytes& id);
// Canonical text (either case) to its 16 bytes; nothing for anything else.
std::optional<uuid_bytes> parse_uuid(std::string_view text);
// A random (version 4) UUID in canonical text: 122 random bits, the call's one-time credential.
std::string mint_uuid();

// One frame: header and payload.
std::string frame(std::uint8_t kind, std::string_view payload);
// What the gateway sends to end the call: 00 00 00.
inline std::string hangup_frame() { return std::string(3, '\0'); }

class media_codec final : public media_dialect {
 public:
  // `rate`: the slin rate the dialplan pins (AudioSocket() always 8000); audio of another kind is refused.
  explicit media_codec(std::uint32_t rate = 8000);
  std::string_view parse(std::string& frame, media_event& out) const override;  // text: refused
  bool takes_binary() const override { return true; }
  bool binary_start() const override { return true; }
  // One whole frame (header and payload).
  std::string_view parse_binary(std::string& frame, media_event& out) const override;
  bool binary_media() const override { return true; }
  // Frames of exactly 20 ms, back to back; the last one padded with silence.
  void build_media(std::string_view stream_id, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view, std::string_view) const override { return {}; }
  std::string build_clear(std::string_view) const override { return {}; }
  std::string build_hangup() const override { return hangup_frame(); }

 private:
  std::uint32_t rate_;
  std::uint8_t kind_;
  std::size_t frame_bytes_;  // 20 ms of audio
};

}  // namespace voxgate::net::audiosocket
