#include "net/providers/twilio/media.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/media_events.hpp"

namespace voxgate::net::twilio {
namespace {

std::string_view parse_start(const json::value& root, media_event& out) {
  const auto* start = json::member(root, "start");
  if (!start || !start->IsObject()) return "start without a start object";
  stream_start s;
  s.stream_id = std::string(json::string_or(*start, "streamSid", json::string_or(root, "streamSid")));
  s.call_id = std::string(json::string_or(*start, "callSid"));
  if (s.stream_id.empty() || s.call_id.empty()) return "start without streamSid or callSid";
  if (const auto* fmt = json::member(*start, "mediaFormat")) {
    auto enc = json::string_or(*fmt, "encoding", "audio/x-mulaw");
    if (enc != "audio/x-mulaw") return "start announces an encoding other than audio/x-mulaw";
  }
  s.format = codecs::audio_format::g711_ulaw();
  read_parameters(*start, "customParameters", s.custom_parameters);
  out.start = std::move(s);
  return {};
}

}  // namespace

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  return parse_json_frame(frame, out, "sequenceNumber", parse_start);
}

void media_codec::build_media(std::string_view stream_sid, std::span<const std::uint8_t> audio,
                              std::string& out) const {
  out.reserve(out.size() + 80 + stream_sid.size() + codecs::base64::encoded_size(audio.size()));
  append_head(out, "media", "streamSid", stream_sid);
  out += R"(,"media":{"payload":")";
  codecs::base64::encode_append(audio, out);
  out += "\"}}";
}

std::string media_codec::build_mark(std::string_view stream_sid, std::string_view name) const {
  return mark_message("streamSid", stream_sid, name);
}

std::string media_codec::build_clear(std::string_view stream_sid) const {
  return event_message("clear", "streamSid", stream_sid);
}

}  // namespace voxgate::net::twilio
