#include "codecs/base64.hpp"

#include <array>

namespace voxgate::codecs::base64 {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t invalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_reverse() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) v = invalid;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  return table;
}
constexpr auto reverse = make_reverse();

// Number of '=' at the end, or -1 when the padding is malformed.
int padding_of(std::string_view in) {
  if (in.size() % 4 != 0) return -1;
  if (in.empty()) return 0;
  int pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') {
    if (pad == 0) return -1;  // "x=y" shape
    ++pad;
  }
  return pad;
}

}  // namespace

void encode(std::span<const std::uint8_t> in, char* out) {
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *out++ = alphabet[(v >> 18) & 63];
    *out++ = alphabet[(v >> 12) & 63];
    *out++ = alphabet[(v >> 6) & 63];
    *out++ = alphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest == 1) {
    std::uint32_t v = in[i] << 16;
    *out++ = alphabet[(v >> 18) & 63];
    *out++ = alphabet[(v >> 12) & 63];
    *out++ = '=';
    *out++ = '=';
  } else if (rest == 2) {
    std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8);
    *out++ = alphabet[(v >> 18) & 63];
    *out++ = alphabet[(v >> 12) & 63];
    *out++ = alphabet[(v >> 6) & 63];
    *out++ = '=';
  }
}

void encode_append(std::span<const std::uint8_t> in, std::string& out) {
  std::size_t at = out.size();
  out.resize(at + encoded_size(in.size()));
  encode(in, out.data() + at);
}

std::string encode(std::span<const std::uint8_t> in) {
  std::string out;
  encode_append(in, out);
  return out;
}

std::string encode(std::string_view in) {
  return encode(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()));
}

std::optional<std::size_t> decode(std::string_view in, std::uint8_t* out) {
  int pad = padding_of(in);
  if (pad < 0) return std::nullopt;
  std::size_t n = in.size();
  std::size_t written = 0;
  for (std::size_t i = 0; i < n; i += 4) {
    bool last = i + 4 == n;
    std::uint32_t v = 0;
    int quads = (last ? 4 - pad : 4);
    for (int k = 0; k < 4; ++k) {
      std::uint8_t d = 0;
      if (k < quads) {
        d = reverse[static_cast<unsigned char>(in[i + k])];
        if (d == invalid) return std::nullopt;
      }
      v = (v << 6) | d;
    }
    out[written++] = static_cast<std::uint8_t>(v >> 16);
    if (quads > 2) out[written++] = static_cast<std::uint8_t>(v >> 8);
    if (quads > 3) out[written++] = static_cast<std::uint8_t>(v);
    // Non-canonical trailing bits (e.g. "QR==") are refused: they mean a broken encoder.
    if (quads == 2 && (v & 0xFFFF) != 0) return std::nullopt;
    if (quads == 3 && (v & 0xFF) != 0) return std::nullopt;
  }
  return written;
}

std::optional<std::string> decode(std::string_view in) {
  std::string out(max_decoded_size(in.size()), '\0');
  auto n = decode(in, reinterpret_cast<std::uint8_t*>(out.data()));
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

bool is_valid(std::string_view in) {
  int pad = padding_of(in);
  if (pad < 0) return false;
  std::size_t body = in.size() - static_cast<std::size_t>(pad);
  for (std::size_t i = 0; i < body; ++i)
    if (reverse[static_cast<unsigned char>(in[i])] == invalid) return false;
  return true;
}

}  // namespace voxgate::codecs::base64
