#include "net/providers/telnyx/signature.hpp"

#include <charconv>
#include <string>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"

namespace voxgate::net::telnyx {

std::string_view to_string(signature_check r) {
  switch (r) {
    case signature_check::ok:
      return "ok";
    case signature_check::missing_headers:
      return "missing_signature";
    case signature_check::bad_timestamp:
      return "bad_timestamp";
    case signature_check::stale:
      return "stale_timestamp";
    case signature_check::bad_key:
      return "bad_public_key";
    case signature_check::bad_signature:
      return "bad_signature";
  }
  return "?";
}

bool valid_public_key(std::string_view public_key_b64) {
  auto key = codecs::base64::decode(public_key_b64);
  return key && key->size() == 32;
}

signature_check verify_signature(std::string_view public_key_b64, std::string_view ts, std::string_view signature_b64,
                                 std::string_view raw_body, std::int64_t now, std::int64_t tolerance) {
  if (ts.empty() || signature_b64.empty()) return signature_check::missing_headers;
  // Digits only: a garbage timestamp must not slip past the replay check.
  std::int64_t t = 0;
  auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
  if (ec != std::errc{} || p != ts.data() + ts.size() || ts.front() == '-' || ts.front() == '+')
    return signature_check::bad_timestamp;
  if (now - t > tolerance || t - now > tolerance) return signature_check::stale;
  auto key = codecs::base64::decode(public_key_b64);
  if (!key || key->size() != 32) return signature_check::bad_key;
  auto sig = codecs::base64::decode(signature_b64);
  if (!sig || sig->size() != 64) return signature_check::bad_signature;
  std::string message(ts);
  message += '|';
  message += raw_body;
  return crypto::ed25519_verify(*key, *sig, message) ? signature_check::ok : signature_check::bad_signature;
}

}  // namespace voxgate::net::telnyx
