// The provider-neutral face of a media-stream dialect (Twilio, Telnyx, ...): parse one inbound frame
// into a media_event, build the three outbound frames. One short implementation per provider. Most
// speak JSON text with base64 audio; a provider that streams raw audio in binary frames (Vonage)
// says so with takes_binary and binary_media.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codecs/audio_format.hpp"
#include "net/url.hpp"

namespace voxgate::net {

enum class media_kind : std::uint8_t { connected, start, media, dtmf, mark, stop, error, ignored };

// What a provider's `start` announces; owned strings because it crosses into the actors.
struct stream_start {
  std::string stream_id;
  std::string call_id;     // Twilio CallSid; Telnyx call_control_id
  std::string session_id;  // Telnyx call_session_id; empty for Twilio
  codecs::audio_format format;
  param_list custom_parameters;
};

struct media_event {
  media_kind kind = media_kind::ignored;
  std::string_view payload;    // media: base64 audio (raw audio when `raw_audio`), a view into the parsed frame
  bool raw_audio = false;      // media: the payload is the audio itself, not base64
  std::string_view text;       // mark name, DTMF digit, error detail, or the unknown event's name
  std::uint64_t sequence = 0;  // message counter (counts every message, not only media)
  std::uint64_t chunk = 0;     // media: media-frame counter, for reordering (0 when absent)
  std::uint64_t timestamp_ms = 0;
  std::optional<stream_start> start;
};

class media_dialect {
 public:
  virtual ~media_dialect() = default;
  // Parses text `frame` in place. Returns an empty view on success, else a reason for the log and metric.
  virtual std::string_view parse(std::string& frame, media_event& out) const = 0;
  // Binary frames: whether the provider sends any, and one parsed (as `parse`).
  virtual bool takes_binary() const { return false; }
  virtual std::string_view parse_binary(std::string& /*frame*/, media_event& /*out*/) const { return "binary frame"; }
  // Whether build_media's frames go out as binary frames (raw audio) rather than text.
  virtual bool binary_media() const { return false; }
  // Whether the stream's start comes in a binary frame (AudioSocket's UUID frame) rather than text.
  virtual bool binary_start() const { return false; }
  virtual void build_media(std::string_view stream_id, std::span<const std::uint8_t> audio, std::string& out) const = 0;
  // Text frames; empty where the provider has no such message (nothing is sent then).
  virtual std::string build_mark(std::string_view stream_id, std::string_view name) const = 0;
  virtual std::string build_clear(std::string_view stream_id) const = 0;
  // What the gateway sends last when it ends the call on a socket of the provider's own framing
  // (AudioSocket's 00 00 00 before the TCP close); empty where closing the socket says it.
  virtual std::string build_hangup() const { return {}; }
};

}  // namespace voxgate::net
