#include "net/public_url.hpp"

#include <cctype>

#include "net/url.hpp"

namespace voxgate::net {
namespace {

std::string first_value(std::string_view list) {
  auto comma = list.find(',');
  auto v = list.substr(0, comma);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

std::string ws_scheme_for(std::string_view http_scheme) { return http_scheme == "https" ? "wss" : "ws"; }

}  // namespace

std::optional<public_base> public_base_from_config(std::string_view text, std::string* why) {
  auto u = parse_url(text);
  auto fail = [&](const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (!u) return fail("PUBLIC_URL is not an absolute http(s) URL");
  if (u->scheme != "http" && u->scheme != "https")
    return fail("PUBLIC_URL must start with https:// (or http:// for local tests)");
  if (!u->query().empty()) return fail("PUBLIC_URL must not carry a query string");
  std::string prefix(u->path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  public_base base;
  base.http = u->scheme + "://" + u->host_port() + prefix;
  base.ws = ws_scheme_for(u->scheme) + "://" + u->host_port() + prefix;
  base.how = "from PUBLIC_URL";
  return base;
}

public_base derive_public_base(const header_list& headers, bool listener_tls) {
  std::string proto = first_value(header_or(headers, "x-forwarded-proto"));
  std::string host = first_value(header_or(headers, "x-forwarded-host"));
  std::string how = "derived (no PUBLIC_URL): scheme from ";
  if (proto == "http" || proto == "https") {
    how += "X-Forwarded-Proto=" + proto;
  } else {
    proto = listener_tls ? "https" : "http";
    how += listener_tls ? "the TLS listener" : "the plain listener (no X-Forwarded-Proto)";
  }
  if (!host.empty()) {
    how += ", host from X-Forwarded-Host=" + host;
  } else {
    host = header_or(headers, "host", "localhost");
    how += ", host from Host=" + host;
  }
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  public_base base;
  base.http = proto + "://" + host;
  base.ws = ws_scheme_for(proto) + "://" + host;
  base.how = how;
  return base;
}

}  // namespace voxgate::net
