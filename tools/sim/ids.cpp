#include "tools/sim/ids.hpp"

#include "net/crypto.hpp"

namespace voxgate::sim {

namespace {
constexpr char digits[] = "0123456789abcdef";
}  // namespace

std::string random_hex_id(std::string_view prefix) {
  std::string out(prefix);
  for (unsigned char c : net::crypto::random_bytes(16)) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string random_uuid() {
  auto bytes = net::crypto::random_bytes(16);
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto c = static_cast<unsigned char>(bytes[i]);
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace voxgate::sim
