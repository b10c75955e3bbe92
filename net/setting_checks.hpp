// Checks for plug-in settings (AI backends, providers): each returns what was expected when it refuses a
// value.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "net/listen_address.hpp"
#include "net/url.hpp"

namespace voxgate::net::checks {

using verdict = std::optional<std::string>;

inline auto any_text() {
  return [](const std::string&) -> verdict { return std::nullopt; };
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One of `choices`, any case (the backend reads the value in lower case).
inline auto one_of(std::vector<std::string> choices) {
  return [=](const std::string& v) -> verdict {
    if (std::find(choices.begin(), choices.end(), lower(v)) != choices.end()) return std::nullopt;
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return "one of " + list;
  };
}

// An absolute URL with a host, in one of `schemes`.
inline auto url_of(std::vector<std::string> schemes) {
  return [=](const std::string& v) -> verdict {
    auto u = net::parse_url(v);
    if (u && !u->host.empty() && std::find(schemes.begin(), schemes.end(), u->scheme) != schemes.end())
      return std::nullopt;
    std::string list;
    for (const auto& s : schemes) list += (list.empty() ? "" : " or ") + s + "://";
    return "an absolute URL starting with " + list;
  };
}

// An absolute ws:// or wss:// URL with a host.
inline auto websocket_url() {
  return [](const std::string& v) -> verdict {
    auto u = net::parse_url(v);
    if (!u || u->host.empty() || (u->scheme != "wss" && u->scheme != "ws"))
      return std::string("an absolute URL starting with wss:// or ws://");
    return std::nullopt;
  };
}

// An IPv4 or IPv6 address for a listener to bind (not a host name).
inline auto address_to_bind() {
  return [](const std::string& v) -> verdict {
    if (net::parse_listen_address(v)) return std::nullopt;
    return std::string("an IP address to bind");
  };
}

}  // namespace voxgate::net::checks
