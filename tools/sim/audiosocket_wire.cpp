#include "tools/sim/audiosocket_wire.hpp"

#include <cstdio>

namespace voxgate::sim::audiosocket {

void append_tlv(std::string& out, std::uint8_t kind, std::string_view payload) {
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(payload.size() >> 8 & 0xff));
  out.push_back(static_cast<char>(payload.size() & 0xff));
  out.append(payload);
}

std::string tlv(std::uint8_t kind, std::string_view payload) {
  std::string out;
  out.reserve(3 + payload.size());
  append_tlv(out, kind, payload);
  return out;
}

std::optional<std::string> uuid_bytes(std::string_view text) {
  std::string hex;
  for (char c : text)
    if (c != '-') hex.push_back(c);
  if (text.size() != 36 || hex.size() != 32) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < 32; i += 2) {
    unsigned v = 0;
    if (std::sscanf(hex.substr(i, 2).c_str(), "%2x", &v) != 1) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

std::size_t tlv_size(std::string_view buffered) {
  if (buffered.size() < 3) return 0;
  std::size_t length =
      static_cast<std::size_t>(static_cast<unsigned char>(buffered[1])) << 8 | static_cast<unsigned char>(buffered[2]);
  return buffered.size() < 3 + length ? 0 : 3 + length;
}

}  // namespace voxgate::sim::audiosocket
