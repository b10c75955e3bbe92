#include "net/providers/audiosocket/webhook.hpp"

#include <algorithm>
#include <cctype>

#include "net/crypto.hpp"

namespace voxgate::net::audiosocket {

std::optional<voice_request> parse_voice_request(std::string_view method, std::string_view query, std::string_view body,
                                                 std::string* why) {
  auto params = parse_form(method == "POST" && !body.empty() ? body : query);
  if (!params) {
    if (why) *why = "unreadable parameters (expected from=...&to=... as a query or a form)";
    return std::nullopt;
  }
  voice_request out;
  for (auto& [name, value] : *params) {
    if (value.size() > 256) {
      if (why) *why = "parameter " + name.substr(0, 32) + " is over 256 characters";
      return std::nullopt;
    }
    if (name == "from")
      out.from = std::move(value);
    else if (name == "to")
      out.to = std::move(value);
    else
      out.routing.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

bearer_check check_bearer(std::string_view secret, std::string_view authorization) {
  if (authorization.empty()) return bearer_check::missing;
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    return bearer_check::mismatch;
  auto given = authorization.substr(scheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  return crypto::constant_time_equal(given, secret) ? bearer_check::ok : bearer_check::mismatch;
}

}  // namespace voxgate::net::audiosocket
