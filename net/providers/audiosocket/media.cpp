#include "net/providers/audiosocket/media.hpp"

#include <algorithm>

#include "net/crypto.hpp"

namespace voxgate::net::audiosocket {
namespace {

constexpr std::array<std::uint32_t, 9> rates = {8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000};
constexpr std::string_view hex = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_dtmf_digit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'); }

// 0xff's code byte as text, for the log line (a view that outlives the frame).
std::string_view error_code_text(std::uint8_t code) {
  static const auto table = [] {
    std::array<std::string, 256> t;
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = std::string("error frame, code 0x") + hex[i >> 4] + hex[i & 15];
    return t;
  }();
  return table[code];
}

}  // namespace

std::optional<std::uint32_t> rate_of_kind(std::uint8_t kind) {
  if (kind < kind_slin || kind >= kind_slin + rates.size()) return std::nullopt;
  return rates[kind - kind_slin];
}

std::optional<std::uint8_t> kind_of_rate(std::uint32_t rate) {
  auto it = std::find(rates.begin(), rates.end(), rate);
  if (it == rates.end()) return std::nullopt;
  return static_cast<std::uint8_t>(kind_slin + (it - rates.begin()));
}

std::string format_uuid(const uuid_bytes& id) {
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[id[i] >> 4]);
    out.push_back(hex[id[i] & 15]);
  }
  return out;
}

std::optional<uuid_bytes> parse_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  uuid_bytes out{};
  std::size_t b = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i++] != '-') return std::nullopt;
      continue;
    }
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[b++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::string mint_uuid() {
  auto random = crypto::random_bytes(16);
  uuid_bytes id{};
  std::copy(random.begin(), random.end(), id.begin());
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return format_uuid(id);
}

std::string frame(std::uint8_t kind, std::string_view payload) {
  std::string out;
  out.reserve(3 + payload.size());
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(payload.size() >> 8 & 0xff));
  out.push_back(static_cast<char>(payload.size() & 0xff));
  out.append(payload);
  return out;
}

media_codec::media_codec(std::uint32_t rate)
    : rate_(rate), kind_(kind_of_rate(rate).value_or(kind_slin)), frame_bytes_(rate / 50 * 2) {}

std::string_view media_codec::parse(std::string&, media_event&) const {
  return "text frame (AudioSocket sends binary frames only)";
}

std::string_view media_codec::parse_binary(std::string& f, media_event& out) const {
  if (f.size() < 3) return "truncated frame";
  auto kind = static_cast<std::uint8_t>(f[0]);
  std::size_t length = static_cast<std::size_t>(static_cast<std::uint8_t>(f[1])) << 8 | static_cast<std::uint8_t>(f[2]);
  if (f.size() != 3 + length) return "frame length does not match its header";
  std::string_view payload(f.data() + 3, length);
  if (kind == kind_uuid) {
    if (length != 16) return "uuid frame not of 16 bytes";
    uuid_bytes id{};
    std::copy(payload.begin(), payload.end(), id.begin());
    stream_start s;
    s.call_id = format_uuid(id);
    s.stream_id = s.call_id;
    s.format = codecs::audio_format::pcm16(rate_);
    out.kind = media_kind::start;
    out.start = std::move(s);
    return {};
  }
  if (auto rate = rate_of_kind(kind)) {
    if (*rate != rate_) return "slin frame at another rate than the one set (AUDIOSOCKET_RATE)";
    if (length == 0) return "empty audio frame";
    if (length % 2) return "audio frame of an odd length";
    out.kind = media_kind::media;
    out.raw_audio = true;
    out.payload = payload;
    return {};
  }
  switch (kind) {
    case kind_dtmf:
      if (length != 1 || !is_dtmf_digit(payload[0])) return "dtmf frame without one digit";
      out.kind = media_kind::dtmf;
      out.text = payload;
      return {};
    case kind_hangup:
      out.kind = media_kind::stop;
      return {};
    case kind_error:
      out.kind = media_kind::stop;  // never sent by any Asterisk; taken as the end of the call
      out.text = length ? error_code_text(static_cast<std::uint8_t>(payload[0])) : "error frame, no code";
      return {};
    default:
      return "frame of an unknown kind";
  }
}

void media_codec::build_media(std::string_view, std::span<const std::uint8_t> audio, std::string& out) const {
  std::size_t frames = (audio.size() + frame_bytes_ - 1) / frame_bytes_;
  out.reserve(out.size() + frames * (3 + frame_bytes_));
  for (std::size_t at = 0; at < audio.size(); at += frame_bytes_) {
    std::size_t n = std::min(frame_bytes_, audio.size() - at);
    out.push_back(static_cast<char>(kind_));
    out.push_back(static_cast<char>(frame_bytes_ >> 8 & 0xff));
    out.push_back(static_cast<char>(frame_bytes_ & 0xff));
    out.append(reinterpret_cast<const char*>(audio.data() + at), n);
    out.append(frame_bytes_ - n, '\0');  // silence in s16le
  }
}

}  // namespace voxgate::net::audiosocket
