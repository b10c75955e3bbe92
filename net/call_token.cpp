#include "net/call_token.hpp"

#include <chrono>

#include <charconv>

#include "net/crypto.hpp"

namespace voxgate::net {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
namespace {

std::string hex(std::string_view raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

bool token_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == ':' || c == '.';
}

}  // namespace

std::string mint_call_token(std::string_view secret, std::string_view call_id, std::int64_t expires_at) {
  std::string body = std::string(call_id) + "." + std::to_string(expires_at);
  return body + "." + hex(crypto::hmac_sha256(secret, body));
}

std::string_view to_string(token_check r) {
  switch (r) {
    case token_check::ok:
      return "ok";
    case token_check::malformed:
      return "malformed_token";
    case token_check::bad_signature:
      return "bad_token_signature";
    case token_check::expired:
      return "expired_token";
    case token_check::wrong_call:
      return "token_for_other_call";
  }
  return "?";
}

token_check verify_call_token(std::string_view secret, std::string_view token, std::string_view call_id,
                              std::int64_t now, std::string* token_call_id) {
  if (token.size() > 512) return token_check::malformed;
  for (char c : token)
    if (!token_char_ok(c)) return token_check::malformed;
  auto sig_dot = token.rfind('.');
  if (sig_dot == std::string_view::npos) return token_check::malformed;
  auto body = token.substr(0, sig_dot);
  auto exp_dot = body.rfind('.');
  if (exp_dot == std::string_view::npos || exp_dot == 0) return token_check::malformed;
  auto id = body.substr(0, exp_dot);
  auto exp_text = body.substr(exp_dot + 1);
  std::int64_t expires = 0;
  auto [p, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), expires);
  if (ec != std::errc{} || p != exp_text.data() + exp_text.size()) return token_check::malformed;
  if (!crypto::constant_time_equal(token.substr(sig_dot + 1), hex(crypto::hmac_sha256(secret, body))))
    return token_check::bad_signature;
  if (now > expires) return token_check::expired;
  if (!call_id.empty() && id != call_id) return token_check::wrong_call;
  if (token_call_id) *token_call_id = std::string(id);
  return token_check::ok;
}

}  // namespace voxgate::net
