#include "net/listen_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>

namespace voxgate::net {

bool listen_address::every() const {
  return std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; });
}

std::optional<listen_address> parse_listen_address(const std::string& text) {
  listen_address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.v4 = true;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) != 1) return std::nullopt;
  static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(std::begin(mapped), std::end(mapped), a.bytes.begin())) {
    std::copy(a.bytes.begin() + 12, a.bytes.end(), a.bytes.begin());
    std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
    a.v4 = true;
  }
  return a;
}

bool listen_addresses_overlap(const std::string& text_a, const std::string& text_b) {
  auto a = parse_listen_address(text_a), b = parse_listen_address(text_b);
  if (!a || !b) return false;
  if ((!a->v4 && a->every()) || (!b->v4 && b->every())) return true;
  if (a->v4 != b->v4) return false;
  return a->bytes == b->bytes || (a->v4 && (a->every() || b->every()));
}

}  // namespace voxgate::net
