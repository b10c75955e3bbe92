#include "net/providers/telnyx/media.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/media_events.hpp"
#include "net/providers/telnyx/webhook.hpp"

namespace voxgate::net::telnyx {

std::optional<codecs::audio_format> format_for(std::string_view encoding, std::uint32_t rate) {
  if (encoding == "PCMU") return codecs::audio_format::g711_ulaw();
  if (encoding == "PCMA") return codecs::audio_format::g711_alaw();
  if (encoding == "G722") return codecs::audio_format::g722();
  if (encoding == "L16") {
    if (rate == 0) rate = 16000;
    // Only the rates Telnyx offers; anything else is refused rather than guessed at.
    if (rate != 8000 && rate != 16000 && rate != 24000 && rate != 48000) return std::nullopt;
    return codecs::audio_format::l16(rate);
  }
  return std::nullopt;
}

std::string_view codec_name(codecs::audio_format f) {
  switch (f.enc) {
    case codecs::encoding::pcmu:
      return "PCMU";
    case codecs::encoding::pcma:
      return "PCMA";
    case codecs::encoding::g722:
      return "G722";
    case codecs::encoding::l16:
    case codecs::encoding::pcm16:
      return "L16";
  }
  return "PCMU";
}

namespace {

std::string_view parse_start(const json::value& root, media_event& out) {
  const auto* start = json::member(root, "start");
  if (!start || !start->IsObject()) return "start without a start object";
  stream_start s;
  s.stream_id = std::string(json::string_or(root, "stream_id"));
  s.call_id = std::string(json::string_or(*start, "call_control_id"));
  s.session_id = std::string(json::string_or(*start, "call_session_id"));
  if (s.call_id.empty()) return "start without call_control_id";
  if (!is_telnyx_id(s.call_id) || (!s.session_id.empty() && !is_telnyx_id(s.session_id)))
    return "start with a call id that is not a Telnyx id";
  std::string_view encoding = "PCMU";
  std::uint32_t rate = 8000;
  if (const auto* fmt = json::member(*start, "media_format")) {
    encoding = json::string_or(*fmt, "encoding", "PCMU");
    rate = static_cast<std::uint32_t>(json::counter_of(*fmt, "sample_rate").value_or(8000));
  }
  auto format = format_for(encoding, rate);
  if (!format) return "start announces an encoding the gateway cannot decode";
  s.format = *format;
  read_parameters(*start, "custom_parameters", s.custom_parameters);
  out.start = std::move(s);
  return {};
}

// Telnyx's error: the detail in a payload object, or an error string beside the event.
bool own_event(std::string_view event, const json::value& root, media_event& out, std::string_view&) {
  if (event != "error") return false;
  out.kind = media_kind::error;
  const auto* payload = json::member(root, "payload");
  out.text = payload ? json::string_or(*payload, "detail", json::string_or(*payload, "title", "unspecified"))
                     : json::string_or(root, "error", "unspecified");
  return true;
}

}  // namespace

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  return parse_json_frame(frame, out, "sequence_number", parse_start, own_event);
}

void media_codec::build_media(std::string_view, std::span<const std::uint8_t> audio, std::string& out) const {
  static constexpr std::string_view head = R"({"event":"media","media":{"payload":")";
  out.reserve(out.size() + head.size() + codecs::base64::encoded_size(audio.size()) + 3);
  out += head;
  codecs::base64::encode_append(audio, out);
  out += "\"}}";
}

// Telnyx's mark and clear name no stream.
std::string media_codec::build_mark(std::string_view, std::string_view name) const {
  return mark_message({}, {}, name);
}

std::string media_codec::build_clear(std::string_view) const { return event_message("clear", {}, {}); }

}  // namespace voxgate::net::telnyx
