#include "net/providers/vonage/media.hpp"

#include <charconv>

#include "net/json.hpp"

namespace voxgate::net::vonage {
namespace {

// Longest websocket:connected read: the NCCO's headers are at most 512 bytes.
constexpr std::size_t max_text_frame = 16 * 1024;

std::string_view parse_connected(const json::value& root, media_event& out) {
  auto type = json::string_or(root, "content-type");
  auto format = format_for(type);
  if (!format) return "websocket:connected with a content-type other than audio/l16;rate=8000|16000|24000";
  auto call = json::string_or(root, call_header);
  if (call.empty()) return "websocket:connected without the call_uuid header";
  stream_start s;
  s.call_id = std::string(call);
  s.stream_id = s.call_id;  // Vonage names no stream: the call's own id stands for it in log lines
  s.format = *format;
  // The other headers, as a start's custom parameters (only the string ones).
  for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "event" || name == "content-type" || name == call_header || !it->value.IsString()) continue;
    s.custom_parameters.emplace_back(std::string(name),
                                     std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  out.kind = media_kind::start;
  out.start = std::move(s);
  return {};
}

std::string_view parse_dtmf(const json::value& root, media_event& out) {
  // Vonage's page puts the digit beside the event; some code nests it in a dtmf object: both.
  auto digit = json::string_of(root, "digit");
  if (const auto* nested = json::member(root, "dtmf"); !digit && nested) digit = json::string_of(*nested, "digit");
  if (!digit || digit->size() != 1 || std::string_view("0123456789*#").find((*digit)[0]) == std::string_view::npos)
    return "websocket:dtmf without a single digit of 0-9 * #";
  out.kind = media_kind::dtmf;
  out.text = *digit;
  return {};
}

}  // namespace

std::optional<codecs::audio_format> format_for(std::string_view content_type) {
  constexpr std::string_view prefix = "audio/l16;rate=";
  if (content_type.size() <= prefix.size() || content_type.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto digits = content_type.substr(prefix.size());
  std::uint32_t rate = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), rate);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  if (rate != 8000 && rate != 16000 && rate != 24000) return std::nullopt;
  // "Linear PCM 16-bit": little-endian as every Vonage sample and client assumes.
  return codecs::audio_format::pcm16(rate);
}

std::string content_type_for(std::uint32_t rate) { return "audio/l16;rate=" + std::to_string(rate); }

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  if (frame.size() > max_text_frame) return "text frame too large";
  json::insitu_document doc;
  if (auto err = doc.parse(frame); !err.empty()) return err;
  const auto& root = doc.root();
  out = media_event{};
  auto event = json::string_or(root, "event");
  if (event == "websocket:connected") return parse_connected(root, out);
  if (event == "websocket:dtmf") return parse_dtmf(root, out);
  if (event == "websocket:notify") {
    // Our own notify echoed once the audio before it played: a mark. Another payload is not ours.
    const auto* payload = json::member(root, "payload");
    auto mark = payload ? json::string_of(*payload, "mark") : std::nullopt;
    out.kind = mark ? media_kind::mark : media_kind::ignored;
    out.text = mark ? *mark : event;
    return {};
  }
  // websocket:cleared (the answer to a clear) and events Vonage adds later: counted, not errors.
  out.kind = media_kind::ignored;
  out.text = event;  // a view into the frame (empty when it names no event)
  return {};
}

std::string_view media_codec::parse_binary(std::string& frame, media_event& out) const {
  if (frame.empty() || frame.size() % 2) return "binary frame of an odd or zero byte count";
  out = media_event{};
  out.kind = media_kind::media;
  out.raw_audio = true;
  out.payload = frame;
  return {};
}

void media_codec::build_media(std::string_view, std::span<const std::uint8_t> audio, std::string& out) const {
  out.append(reinterpret_cast<const char*>(audio.data()), audio.size());
}

std::string media_codec::build_mark(std::string_view, std::string_view name) const {
  std::string out = R"({"action":"notify","payload":{"mark":)";
  json::append_string(out, name);
  out += "}}";
  return out;
}

std::string media_codec::build_clear(std::string_view) const { return R"({"action":"clear"})"; }

}  // namespace voxgate::net::vonage
