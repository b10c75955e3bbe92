#include "net/providers/plivo/media.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/media_events.hpp"

namespace voxgate::net::plivo {
namespace {

std::string_view parse_start(const json::value& root, media_event& out) {
  const auto* start = json::member(root, "start");
  if (!start || !start->IsObject()) return "start without a start object";
  stream_start s;
  s.stream_id = std::string(json::string_or(*start, "streamId", json::string_or(root, "streamId")));
  s.call_id = std::string(json::string_or(*start, "callId"));
  if (s.stream_id.empty() || s.call_id.empty()) return "start without streamId or callId";
  std::string_view encoding = "audio/x-mulaw";
  std::uint64_t rate = 8000;
  if (const auto* fmt = json::member(*start, "mediaFormat"); fmt && fmt->IsObject()) {
    encoding = json::string_or(*fmt, "encoding", encoding);
    rate = json::counter_of(*fmt, "sampleRate").value_or(rate);
  }
  // The answer asks for µ-law at 8 kHz. audio/x-l16's byte order is not documented: refused, not guessed.
  if (encoding != "audio/x-mulaw" || rate != 8000)
    return "start announces a format other than audio/x-mulaw at 8000 Hz";
  s.format = codecs::audio_format::g711_ulaw();
  out.start = std::move(s);
  return {};
}

// A checkpoint's audio has played: Plivo's support article calls it `played`; its docs and SDKs
// `playedStream`. playFailed and error are the stream's failures. (clearedAudio, the answer to our
// clearAudio, and events Plivo may add are counted as ignored.)
bool own_event(std::string_view event, const json::value& root, media_event& out, std::string_view& error) {
  if (event == "playedStream" || event == "played") {
    auto name = json::string_of(root, "name");
    if (!name) {
      error = "playedStream without name";
      return true;
    }
    out.kind = media_kind::mark;
    out.text = *name;
    return true;
  }
  if (event == "playFailed" || event == "error") {
    out.kind = media_kind::error;
    out.text = json::string_or(root, "reason", event);
    return true;
  }
  return false;
}

}  // namespace

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  return parse_json_frame(frame, out, "sequenceNumber", parse_start, own_event);
}

void media_codec::build_media(std::string_view, std::span<const std::uint8_t> audio, std::string& out) const {
  static constexpr std::string_view head =
      R"({"event":"playAudio","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":")";
  out.reserve(out.size() + head.size() + codecs::base64::encoded_size(audio.size()) + 3);
  out += head;
  codecs::base64::encode_append(audio, out);
  out += "\"}}";
}

std::string media_codec::build_mark(std::string_view stream_id, std::string_view name) const {
  std::string out;
  out.reserve(48 + stream_id.size() + name.size());
  append_head(out, "checkpoint", "streamId", stream_id);
  out += R"(,"name":)";
  json::append_string(out, name);
  out += '}';
  return out;
}

std::string media_codec::build_clear(std::string_view stream_id) const {
  return event_message("clearAudio", "streamId", stream_id);
}

}  // namespace voxgate::net::plivo
