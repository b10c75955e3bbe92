// Vonage's WebSocket (Vonage dials it): a text websocket:connected first, carrying the NCCO's headers
// flattened and the content-type; then raw 16-bit linear PCM in binary frames of exactly 20 ms each way,
// and text events (websocket:dtmf, websocket:notify, websocket:cleared) in between. We send binary audio,
// {"action":"notify"} as a mark and {"action":"clear"}.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::vonage {

// The NCCO header naming the call (the answer webhook's uuid): websocket:connected echoes it.
inline constexpr std::string_view call_header = "call_uuid";

// "audio/l16;rate=16000" -> PCM16 at 16 kHz (8, 16 or 24 kHz); nothing for anything else.
std::optional<codecs::audio_format> format_for(std::string_view content_type);
// The content-type an NCCO names for a rate.
std::string content_type_for(std::uint32_t rate);
// Bytes of one 20 ms message at `rate`: the only size Vonage accepts.
constexpr std::size_t frame_bytes(std::uint32_t rate) { return rate / 50 * 2; }

class media_codec final : public media_dialect {
 public:
  std::string_view parse(std::string& frame, media_event& out) const override;
  bool takes_binary() const override { return true; }
  std::string_view parse_binary(std::string& frame, media_event& out) const override;
  bool binary_media() const override { return true; }
  // The audio itself: the call hands over exact 20 ms frames (traits().media_frame_ms).
  void build_media(std::string_view stream_id, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view stream_id, std::string_view name) const override;
  std::string build_clear(std::string_view stream_id) const override;
};

}  // namespace voxgate::net::vonage
