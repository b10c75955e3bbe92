// URL pieces, percent-decoding and application/x-www-form-urlencoded parsing. Pure string work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voxgate::net {

using param_list = std::vector<std::pair<std::string, std::string>>;

struct url {
  std::string scheme;      // lowercase: http, https, ws, wss
  std::string host;        // lowercase
  std::uint16_t port = 0;  // 0 when absent
  std::string target;      // path plus "?query" when present; "/" at least

  bool tls() const { return scheme == "https" || scheme == "wss"; }
  std::uint16_t effective_port() const { return port ? port : (tls() ? 443 : 80); }
  std::string_view path() const;
  std::string_view query() const;  // without '?'
  std::string host_port() const;   // "host" or "host:port"
  std::string bare_host() const;   // as a resolver or TLS takes it: an IPv6 literal without its brackets
  std::string origin() const;      // scheme://host[:port]
};

std::optional<url> parse_url(std::string_view text);
// A host as an address: "[fd00::7]" -> "fd00::7"; anything else as it is.
std::string_view unbracketed(std::string_view host);

// "%41+b" -> "A b" when plus_is_space. Returns nothing for a malformed escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
std::string percent_encode(std::string_view in);

// "a=1&b=2" -> {{a,1},{b,2}}, values decoded. Returns nothing for a malformed escape.
std::optional<param_list> parse_form(std::string_view body);
std::string encode_form(const param_list& params);

const std::string* find_param(const param_list& params, std::string_view name);
// The value of `name`, or an empty string when it is absent.
std::string param_value(const param_list& params, std::string_view name);
// A webhook's form body; `why` says so when it is not one.
std::optional<param_list> parse_form_body(std::string_view body, std::string* why);

}  // namespace voxgate::net
