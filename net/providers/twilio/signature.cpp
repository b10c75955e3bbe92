#include "net/providers/twilio/signature.hpp"

#include <algorithm>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"

namespace voxgate::net::twilio {
namespace {

// The URL with its default port toggled: added when absent, removed when present.
std::string with_port_toggled(std::string_view full_url) {
  auto u = parse_url(full_url);
  if (!u) return {};
  std::uint16_t def = u->tls() ? 443 : 80;
  std::string host = u->port == 0 ? u->host + ":" + std::to_string(def) : u->port == def ? u->host : std::string{};
  if (host.empty()) return {};
  // Rebuild from the original text so the path keeps its exact percent-encoding.
  auto sep = full_url.find("://");
  auto rest = full_url.substr(sep + 3);
  auto slash = rest.find_first_of("/?");
  std::string out(full_url.substr(0, sep + 3));
  out += host;
  if (slash != std::string_view::npos) out += rest.substr(slash);
  return out;
}

}  // namespace

std::string compute_signature(std::string_view auth_token, std::string_view full_url, const param_list& form) {
  param_list sorted = form;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string data(full_url);
  for (const auto& [k, v] : sorted) {
    data += k;
    data += v;
  }
  return codecs::base64::encode(crypto::hmac_sha1(auth_token, data));
}

bool verify_signature(std::string_view auth_token, std::string_view full_url, const param_list& form,
                      std::string_view header_value) {
  if (header_value.empty()) return false;
  if (crypto::constant_time_equal(compute_signature(auth_token, full_url, form), header_value)) return true;
  auto alt = with_port_toggled(full_url);
  return !alt.empty() && crypto::constant_time_equal(compute_signature(auth_token, alt, form), header_value);
}

}  // namespace voxgate::net::twilio
