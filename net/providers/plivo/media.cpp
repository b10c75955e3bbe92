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

}  // namespace

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  json::insitu_document doc;
  std::string_view event;
  if (auto err = parse_head(doc, frame, "sequenceNumber", event, out); !err.empty()) return err;
  const auto& root = doc.root();
  if (event == "start") {
    out.kind = media_kind::start;
    return parse_start(root, out);
  }
  // A checkpoint's audio has played. Plivo's support article calls it `played`; its docs and SDKs
  // `playedStream`.
  if (event == "playedStream" || event == "played") {
    auto name = json::string_of(root, "name");
    if (!name) return "playedStream without name";
    out.kind = media_kind::mark;
    out.text = *name;
    return {};
  }
  if (std::string_view error; parse_shared_event(event, root, out, error)) return error;  // media, dtmf, stop
  if (event == "playFailed" || event == "error") {
    out.kind = media_kind::error;
    out.text = json::string_or(root, "reason", event);
    return {};
  }
  // clearedAudio (the answer to our clearAudio) and events Plivo may add: counted, never a failure.
  out.kind = media_kind::ignored;
  out.text = event;
  return {};
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
