// Twilio Media Streams messages (bidirectional <Connect><Stream>): connected, start, media, dtmf,
// mark, stop in; media, mark, clear out. Counters may arrive as strings or numbers.
#pragma once

#include "net/providers/media_dialect.hpp"

namespace voxgate::net::twilio {

class media_codec final : public media_dialect {
 public:
  std::string_view parse(std::string& frame, media_event& out) const override;
  void build_media(std::string_view stream_sid, std::span<const std::uint8_t> audio, std::string& out) const override;
  std::string build_mark(std::string_view stream_sid, std::string_view name) const override;
  std::string build_clear(std::string_view stream_sid) const override;
};

}  // namespace voxgate::net::twilio
