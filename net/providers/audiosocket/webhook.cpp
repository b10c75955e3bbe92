#include "net/providers/audiosocket/webhook.hpp"

#include "net/crypto.hpp"
#include "net/headers.hpp"

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
  auto given = bearer_token(authorization);
  return given && crypto::same_secret(*given, secret) ? bearer_check::ok : bearer_check::mismatch;
}

}  // namespace voxgate::net::audiosocket
