// Signed per-call tokens: bind a media socket to the call a verified webhook announced.
// token = call_id "." expiry "." hex(HMAC-SHA256(secret, call_id "." expiry)); path-safe. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxgate::net {

// The wall clock in unix seconds: what token expiries and signature timestamps are checked against.
std::int64_t unix_now();

std::string mint_call_token(std::string_view secret, std::string_view call_id, std::int64_t expires_at_unix);

enum class token_check { ok, malformed, bad_signature, expired, wrong_call };
std::string_view to_string(token_check r);

// Verifies the token and that it names `call_id` (when non-empty); `now_unix` for expiry.
token_check verify_call_token(std::string_view secret, std::string_view token, std::string_view call_id,
                              std::int64_t now_unix, std::string* token_call_id = nullptr);

}  // namespace voxgate::net
