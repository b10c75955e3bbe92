#include "net/providers/exotel/media.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/media_events.hpp"

namespace voxgate::net::exotel {
namespace {

bool names_g711(std::string_view encoding) {
  std::string lower(encoding);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view g711 : {"law", "pcmu", "pcma"})  // audio/x-mulaw, ulaw, alaw, PCMU, PCMA
    if (lower.find(g711) != std::string::npos) return true;
  return false;
}

// The rate as a number, a string of digits, or a string ending in "Hz" (Exotel's bridge strips one).
std::optional<std::uint32_t> rate_of(const json::value& format) {
  if (!json::member(format, "sample_rate")) return 8000;
  if (auto n = json::counter_of(format, "sample_rate")) return static_cast<std::uint32_t>(*n);
  auto text = json::string_or(format, "sample_rate");
  if (text.size() > 2 && (text.ends_with("Hz") || text.ends_with("hz"))) text.remove_suffix(2);
  std::uint32_t rate = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rate);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return rate;
}

std::string_view parse_start(const json::value& root, media_event& out) {
  const auto* start = json::member(root, "start");
  if (!start || !start->IsObject()) return "start without a start object";
  stream_start s;
  // Exotel's pages write stream_sid; its own sample server also reads streamSid: either, in start or beside it.
  s.stream_id = std::string(json::string_or(
      *start, "stream_sid",
      json::string_or(*start, "streamSid", json::string_or(root, "stream_sid", json::string_or(root, "streamSid")))));
  s.call_id = std::string(json::string_or(*start, "call_sid"));
  if (s.call_id.empty()) return "start without call_sid";
  std::string_view encoding;
  std::uint32_t rate = 8000;
  if (const auto* fmt = json::member(*start, "media_format"); fmt && fmt->IsObject()) {
    encoding = json::string_or(*fmt, "encoding");
    auto r = rate_of(*fmt);
    if (!r) return "start with an unreadable media_format.sample_rate";
    rate = *r;
  }
  auto format = format_for(encoding, rate);
  if (!format) return "start announces G.711 or a rate other than 8000, 16000 or 24000";
  s.format = *format;
  read_parameters(*start, "custom_parameters", s.custom_parameters);
  out.start = std::move(s);
  return {};
}

// The stream's id is optional on outbound messages (Exotel's samples even spell it streamSid): left
// out rather than sent empty.
// The extension guide (Beta) shows a dtmf's digit beside the event rather than in a dtmf object; a
// stop carries its reason.
bool own_event(std::string_view event, const json::value& root, media_event& out, std::string_view& error) {
  if (event == "dtmf" && !json::member(root, "dtmf")) {
    auto digit = json::string_of(root, "digit");
    if (!digit || digit->size() != 1) {
      error = "dtmf without a single digit";
      return true;
    }
    out.kind = media_kind::dtmf;
    out.text = *digit;
    return true;
  }
  if (event != "stop" || !parse_shared_event(event, root, out, error)) return false;
  if (const auto* stop = json::member(root, "stop")) out.text = json::string_or(*stop, "reason");
  return true;
}

}  // namespace

std::optional<codecs::audio_format> format_for(std::string_view encoding, std::uint32_t rate) {
  if (names_g711(encoding)) return std::nullopt;
  if (rate != 8000 && rate != 16000 && rate != 24000) return std::nullopt;
  return codecs::audio_format::pcm16(rate);
}

std::string_view media_codec::parse(std::string& frame, media_event& out) const {
  return parse_json_frame(frame, out, "sequence_number", parse_start, own_event);
}

void media_codec::build_media(std::string_view stream_sid, std::span<const std::uint8_t> audio,
                              std::string& out) const {
  std::size_t pad = (chunk_quantum - audio.size() % chunk_quantum) % chunk_quantum;
  out.reserve(out.size() + 64 + stream_sid.size() + codecs::base64::encoded_size(audio.size() + pad));
  append_head(out, "media", "stream_sid", stream_sid);
  out += R"(,"media":{"payload":")";
  if (pad == 0) {
    codecs::base64::encode_append(audio, out);
  } else {
    // Whole 3-byte groups as they are, then the rest and the zeros as one tail: no copy of the audio.
    std::size_t whole = audio.size() - audio.size() % 3;
    codecs::base64::encode_append(audio.first(whole), out);
    std::array<std::uint8_t, 2 + chunk_quantum> tail{};
    std::copy(audio.begin() + static_cast<std::ptrdiff_t>(whole), audio.end(), tail.begin());
    codecs::base64::encode_append(std::span<const std::uint8_t>(tail.data(), audio.size() - whole + pad), out);
  }
  out += "\"}}";
}

std::string media_codec::build_mark(std::string_view stream_sid, std::string_view name) const {
  return mark_message("stream_sid", stream_sid, name);
}

std::string media_codec::build_clear(std::string_view stream_sid) const {
  return event_message("clear", "stream_sid", stream_sid);
}

}  // namespace voxgate::net::exotel
