#include "net/providers/plivo/signature.hpp"

#include <algorithm>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"

namespace voxgate::net::plivo {
namespace {

// The query's name=value pairs, decoded or as written; nothing when an escape is malformed.
std::optional<param_list> query_pairs(std::string_view query, query_values values) {
  if (values == query_values::decoded) return parse_form(query);
  param_list out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    out.emplace_back(std::string(pair.substr(0, eq)),
                     eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
  }
  return out;
}

void append_joined(std::string& out, param_list pairs) {
  std::sort(pairs.begin(), pairs.end());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += '&';
    out += pairs[i].first;
    out += '=';
    out += pairs[i].second;
  }
}

}  // namespace

std::string signed_text(std::string_view method, std::string_view full_url, const param_list& params,
                        std::string_view nonce, query_values values) {
  full_url = full_url.substr(0, full_url.find('#'));
  auto mark = full_url.find('?');
  auto base = full_url.substr(0, mark);
  auto query = query_pairs(mark == std::string_view::npos ? std::string_view{} : full_url.substr(mark + 1), values);
  if (!query) return {};
  std::string out(base);
  if (method == "GET" || params.empty()) {
    // base?sorted(k=v&...) when there is any parameter at all.
    if (!query->empty()) {
      out += '?';
      append_joined(out, std::move(*query));
    }
  } else {
    // base?[sorted query "."]key1value1key2value2... : no separators between the form's pairs.
    out += '?';
    if (!query->empty()) {
      append_joined(out, std::move(*query));
      out += '.';
    }
    param_list sorted = params;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [k, v] : sorted) {
      out += k;
      out += v;
    }
  }
  out += '.';
  out += nonce;
  return out;
}

std::string compute_signature(std::string_view auth_token, std::string_view method, std::string_view full_url,
                              const param_list& params, std::string_view nonce, query_values values) {
  auto text = signed_text(method, full_url, params, nonce, values);
  if (text.empty()) return {};
  return codecs::base64::encode(crypto::hmac_sha256(auth_token, text));
}

bool verify_signature(std::string_view auth_token, std::string_view method, std::string_view full_url,
                      const param_list& params, std::string_view nonce, std::string_view header_value) {
  if (auth_token.empty() || nonce.empty() || header_value.empty()) return false;
  auto decoded = compute_signature(auth_token, method, full_url, params, nonce, query_values::decoded);
  auto raw = compute_signature(auth_token, method, full_url, params, nonce, query_values::raw);
  bool match = false;
  for (std::string_view rest = header_value; !rest.empty();) {
    auto comma = rest.find(',');
    auto one = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.empty()) continue;
    // Every candidate is compared, so the time taken does not tell which one came close.
    match |= !decoded.empty() && crypto::constant_time_equal(decoded, one);
    match |= raw != decoded && !raw.empty() && crypto::constant_time_equal(raw, one);
  }
  return match;
}

}  // namespace voxgate::net::plivo
