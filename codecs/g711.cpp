#include "codecs/g711.hpp"

#include <array>

namespace voxgate::codecs::g711 {
namespace {

constexpr int ulaw_bias = 0x84;
constexpr int ulaw_clip = 8159;  // 14-bit clip level

constexpr std::int16_t ulaw_decode_one(std::uint8_t code) {
  code = static_cast<std::uint8_t>(~code);
  int t = ((code & 0x0F) << 3) + ulaw_bias;
  t <<= (code & 0x70) >> 4;
  return static_cast<std::int16_t>((code & 0x80) ? (ulaw_bias - t) : (t - ulaw_bias));
}

constexpr std::int16_t alaw_decode_one(std::uint8_t code) {
  code ^= 0x55;
  int t = (code & 0x0F) << 4;
  int seg = (code & 0x70) >> 4;
  switch (seg) {
    case 0:
      t += 8;
      break;
    case 1:
      t += 0x108;
      break;
    default:
      t += 0x108;
      t <<= seg - 1;
  }
  return static_cast<std::int16_t>((code & 0x80) ? t : -t);
}

template <class F>
constexpr std::array<std::int16_t, 256> make_table(F f) {
  std::array<std::int16_t, 256> table{};
  for (int i = 0; i < 256; ++i) table[i] = f(static_cast<std::uint8_t>(i));
  return table;
}

constexpr auto ulaw_table = make_table(ulaw_decode_one);
constexpr auto alaw_table = make_table(alaw_decode_one);

int segment_of(int magnitude, int first_end) {
  int seg = 0;
  for (int end = first_end; seg < 8 && magnitude > end; end = (end << 1) | 1) ++seg;
  return seg;
}

}  // namespace

std::int16_t ulaw_to_linear(std::uint8_t code) { return ulaw_table[code]; }
std::int16_t alaw_to_linear(std::uint8_t code) { return alaw_table[code]; }

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  int pcm = sample >> 2;  // mu-law works on 14-bit magnitudes
  int mask = 0xFF;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7F;
  }
  if (pcm > ulaw_clip) pcm = ulaw_clip;
  pcm += ulaw_bias >> 2;
  int seg = segment_of(pcm, 0x3F);
  if (seg >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  return static_cast<std::uint8_t>(((seg << 4) | ((pcm >> (seg + 1)) & 0x0F)) ^ mask);
}

std::uint8_t linear_to_alaw(std::int16_t sample) {
  int pcm = sample >> 3;  // A-law works on 13-bit magnitudes
  int mask = 0xD5;
  if (pcm < 0) {
    pcm = -pcm - 1;
    mask = 0x55;
  }
  int seg = segment_of(pcm, 0x1F);
  if (seg >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  int value = seg << 4;
  value |= (seg < 2) ? ((pcm >> 1) & 0x0F) : ((pcm >> seg) & 0x0F);
  return static_cast<std::uint8_t>(value ^ mask);
}

std::size_t decode_ulaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = ulaw_table[in[i]];
  return in.size();
}
std::size_t encode_ulaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = linear_to_ulaw(in[i]);
  return in.size();
}
std::size_t decode_alaw(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = alaw_table[in[i]];
  return in.size();
}
std::size_t encode_alaw(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = linear_to_alaw(in[i]);
  return in.size();
}

}  // namespace voxgate::codecs::g711
