// Exotel AgentStream messages on the Voicebot applet's bidirectional WebSocket: connected, start,
// media, dtmf, mark, stop in; media, mark, clear out. snake_case keys; counters come as strings or
// integers; audio is base64 of raw 16-bit little-endian mono PCM, never binary frames.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::exotel {

// Exotel plays outbound audio in 20 ms packets of 320 bytes: a message of another length leaves a
// short last packet, after which Exotel waits 20 ms (an audible gap).
inline constexpr std::size_t chunk_quantum = 320;

// What a start's media_format announces, as the gateway decodes it: PCM16 LE at 8, 16 or 24 kHz. The
// encoding's spelling varies between Exotel's pages ("audio/x-raw", "raw", "base64") and is taken as
// PCM unless it names G.711, which the applet does not send; nothing for G.711 or another rate.
std::optional<codecs::audio_format> format_for(std::string_view encoding, std::uint32_t rate);

class media_codec final : public media_dialect {
 public:
  std::string_view parse(std::string& frame, media_event& out) const override;
  // Zero-pads the audio (silence in PCM16) up to a multiple of chunk_quantum, as Exotel's own bridge
  // does, so that no message ends in a short packet.
  void build_media(std::string_view stream_sid, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view stream_sid, std::string_view name) const override;
  std::string build_clear(std::string_view stream_sid) const override;
};

}  // namespace voxgate::net::exotel
