// The address a listener binds, parsed once for every check of it: whether a setting is an IP
// address at all, and whether two listeners on one port would clash.
#pragma once

#include <array>
#include <optional>
#include <string>

namespace voxgate::net {

// As the kernel compares them: an IPv4-mapped IPv6 address is its IPv4.
struct listen_address {
  bool v4 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 in the first four
  bool every() const;                     // 0.0.0.0 or ::
};

// An IPv4 or IPv6 address in text; nothing when it is not one (a host name included).
std::optional<listen_address> parse_listen_address(const std::string& text);

// Whether listeners on one port at `a` and at `b` would clash. Ours bind IPv6 with IPV6_V6ONLY off
// (set, not left to the host's net.ipv6.bindv6only), so IPv6's every-address (::) takes IPv4's too;
// 0.0.0.0 takes every IPv4 address only. False when either is not an address: its own setting's
// check says so.
bool listen_addresses_overlap(const std::string& a, const std::string& b);

}  // namespace voxgate::net
