#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace voxgate::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view url::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view url::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string url::host_port() const { return port ? host + ":" + std::to_string(port) : host; }

std::string_view unbracketed(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::string url::bare_host() const { return std::string(unbracketed(host)); }

std::string url::origin() const { return scheme + "://" + host_port(); }

std::optional<url> parse_url(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  url u;
  u.scheme = lower(text.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https" && u.scheme != "ws" && u.scheme != "wss") return std::nullopt;
  auto rest = text.substr(sep + 3);
  auto slash = rest.find_first_of("/?#");
  auto authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  auto colon = authority.rfind(':');
  auto bracket = authority.rfind(']');
  // Colons inside a bracketed IPv6 literal ("[::1]") separate nothing; one after the ']' starts the port.
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    auto port_text = authority.substr(colon + 1);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || port == 0 || port > 65535) return std::nullopt;
    u.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  // A host is a name, an IPv4 address or a bracketed IPv6 literal: no colon or bracket outside the
  // brackets, no space or control character (found by the url fuzzer: "\0]:8M" was taken for a host).
  if (authority.empty()) return std::nullopt;
  bool bracketed = authority.front() == '[' && authority.back() == ']';
  if (!bracketed && authority.find_first_of(":[]") != std::string_view::npos) return std::nullopt;
  for (char c : authority)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  u.host = lower(authority);
  std::string_view target = slash == std::string_view::npos ? "" : rest.substr(slash);
  target = target.substr(0, target.find('#'));
  u.target = target.empty() || target[0] != '/' ? "/" + std::string(target) : std::string(target);
  return u;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view in) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::optional<param_list> parse_form(std::string_view body) {
  param_list out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string encode_form(const param_list& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(k);
    out.push_back('=');
    out += percent_encode(v);
  }
  return out;
}

const std::string* find_param(const param_list& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

std::string param_value(const param_list& params, std::string_view name) {
  const auto* v = find_param(params, name);
  return v ? *v : std::string();
}

std::optional<param_list> parse_form_body(std::string_view body, std::string* why) {
  auto form = parse_form(body);
  if (!form && why) *why = "malformed form body";
  return form;
}

}  // namespace voxgate::net
