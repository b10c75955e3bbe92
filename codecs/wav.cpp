#include "codecs/wav.hpp"

#include <cstring>

namespace voxgate::codecs::wav {
namespace {

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
std::uint32_t get32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
std::uint16_t get16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8));
}
bool fail(std::string* why, const char* reason) {
  if (why) *why = reason;
  return false;
}

}  // namespace

std::string to_bytes(const pcm_audio& audio) {
  std::uint32_t data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, 1);  // PCM
  put16(out, 1);  // mono
  put32(out, audio.sample_rate);
  put32(out, audio.sample_rate * 2);
  put16(out, 2);
  put16(out, 16);
  out += "data";
  put32(out, data_bytes);
  for (auto s : audio.samples) put16(out, static_cast<std::uint16_t>(s));
  return out;
}

std::optional<pcm_audio> from_bytes(std::string_view s, std::string* why) {
  if (s.size() < 12 || s.substr(0, 4) != "RIFF" || s.substr(8, 4) != "WAVE") {
    fail(why, "not a RIFF/WAVE file");
    return std::nullopt;
  }
  pcm_audio audio;
  bool have_fmt = false;
  std::size_t at = 12;
  while (at + 8 <= s.size()) {
    auto id = s.substr(at, 4);
    std::uint32_t size = get32(s, at + 4);
    std::size_t body = at + 8;
    if (body + size > s.size()) size = static_cast<std::uint32_t>(s.size() - body);
    if (id == "fmt ") {
      if (size < 16 || get16(s, body) != 1 || get16(s, body + 2) != 1 || get16(s, body + 14) != 16) {
        fail(why, "only mono 16-bit PCM WAV is supported");
        return std::nullopt;
      }
      audio.sample_rate = get32(s, body + 4);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) {
        fail(why, "data chunk before fmt chunk");
        return std::nullopt;
      }
      audio.samples.resize(size / 2);
      for (std::size_t i = 0; i < audio.samples.size(); ++i)
        audio.samples[i] = static_cast<std::int16_t>(get16(s, body + 2 * i));
      return audio;
    }
    at = body + size + (size & 1);
  }
  fail(why, "no data chunk");
  return std::nullopt;
}

}  // namespace voxgate::codecs::wav
