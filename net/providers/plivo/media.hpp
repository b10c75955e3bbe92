// Plivo Audio Streaming messages (bidirectional <Stream>): start, media, dtmf, playedStream,
// clearedAudio (and stop, playFailed, error should they come) in; playAudio, checkpoint, clearAudio out.
// Only audio/x-mulaw at 8 kHz, which the answer asks for: µ-law passes straight through.
#pragma once

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::plivo {

class media_codec final : public media_dialect {
 public:
  std::string_view parse(std::string& frame, media_event& out) const override;
  // playAudio carries no streamId (Plivo plays it on the socket's stream); checkpoint and clearAudio do.
  void build_media(std::string_view stream_id, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view stream_id, std::string_view name) const override;
  std::string build_clear(std::string_view stream_id) const override;
};

}  // namespace voxgate::net::plivo
