// Vonage's two JSON Web Tokens: the HS256 token on every signed webhook (verified with the account's
// signature secret) and the RS256 application token on our REST requests (signed with the application's
// private key). Pure functions of their inputs; OpenSSL underneath.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::net::vonage {

// How far a webhook's `iat` may be from our clock: Vonage documents no `exp`.
inline constexpr std::int64_t iat_window_seconds = 300;
// Longest Authorization header read: Vonage's tokens are a few hundred bytes.
inline constexpr std::size_t max_token_bytes = 8192;

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

enum class jwt_check : std::uint8_t {
  ok,
  malformed,
  bad_algorithm,
  bad_signature,
  bad_issuer,
  stale,
  payload_mismatch
};
std::string_view to_string(jwt_check c);

// A signed webhook's `Authorization` value ("Bearer <jwt>") checked: HS256 only, a good signature over
// the secret's bytes, `iss` "Vonage", `iat` within the window of `unix_now`, and a `payload_hash` equal
// to one of `payload_hashes` (hex SHA-256 forms of the request's payload). `payload_hash` may only be
// absent when `hash_required` is false.
jwt_check verify_webhook_token(std::string_view secret, std::string_view authorization, std::int64_t unix_now,
                               const std::vector<std::string>& payload_hashes, bool hash_required);

// A compact HS256 token over `claims_json` (what Vonage sends; the simulator and tests sign with it).
std::string sign_hs256(std::string_view secret, std::string_view claims_json);

// An RS256 token over `claims_json` with the PEM private key; nothing when the key does not load.
std::optional<std::string> sign_rs256(std::string_view private_key_pem, std::string_view claims_json);
// The claims of an RS256 token whose signature the PEM public key verifies; nothing otherwise.
std::optional<std::string> verify_rs256(std::string_view public_key_pem, std::string_view token);
// Empty when `pem` is an RSA private key OpenSSL reads, else why not.
std::string check_private_key(std::string_view pem);

// The application token for a REST request: application_id, iat, jti (random), exp = iat + ttl.
std::optional<std::string> application_token(std::string_view private_key_pem, std::string_view application_id,
                                             std::int64_t unix_now, std::int64_t ttl_seconds = 900);

}  // namespace voxgate::net::vonage
