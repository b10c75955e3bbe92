#include "net/providers/exotel/auth.hpp"

#include <algorithm>
#include <cctype>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"

namespace voxgate::net::exotel {

basic_check check_basic(std::string_view credentials, std::string_view authorization) {
  if (authorization.empty()) return basic_check::missing;
  constexpr std::string_view scheme = "basic ";
  if (authorization.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    return basic_check::mismatch;
  auto encoded = authorization.substr(scheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  auto decoded = codecs::base64::decode(encoded);
  if (!decoded || !crypto::constant_time_equal(*decoded, credentials)) return basic_check::mismatch;
  return basic_check::ok;
}

std::string basic_authorization(std::string_view credentials) { return "Basic " + codecs::base64::encode(credentials); }

std::optional<std::string> credentials_problem(const std::string& value) {
  auto colon = value.find(':');
  auto url_safe = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    });
  };
  if (colon == std::string::npos || !url_safe(std::string_view(value).substr(0, colon)) ||
      !url_safe(std::string_view(value).substr(colon + 1)))
    return "user:password, each of letters, digits, '-', '.', '_' or '~' (they travel in the Voicebot URL)";
  return std::nullopt;
}

}  // namespace voxgate::net::exotel
