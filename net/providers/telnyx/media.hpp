// Telnyx media streaming messages: connected, start (media_format names the codec actually used),
// media, stop, dtmf, mark, error in; media, mark, clear out (rtp bidirectional mode).
#pragma once

#include <optional>

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::telnyx {

// "PCMU" -> pcmu/8000, "PCMA" -> pcma/8000, "L16" -> l16 at `rate`, "G722" -> g722/16000.
std::optional<codecs::audio_format> format_for(std::string_view encoding, std::uint32_t rate);
// The codec name Telnyx expects in stream_bidirectional_codec.
std::string_view codec_name(codecs::audio_format f);

class media_codec final : public media_dialect {
 public:
  std::string_view parse(std::string& frame, media_event& out) const override;
  void build_media(std::string_view stream_id, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view stream_id, std::string_view name) const override;
  std::string build_clear(std::string_view stream_id) const override;
};

}  // namespace voxgate::net::telnyx
