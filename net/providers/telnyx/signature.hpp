// Telnyx webhook signatures: Ed25519 over `telnyx-timestamp|raw body`, with a replay window.
// Pure: the caller passes the headers, the exact raw body, the configured key and the time.
#pragma once

#include <cstdint>
#include <string_view>

namespace voxgate::net::telnyx {

enum class signature_check { ok, missing_headers, bad_timestamp, stale, bad_key, bad_signature };
std::string_view to_string(signature_check r);

// public_key_b64: base64 of the 32-byte raw Ed25519 key (TELNYX_PUBLIC_KEY).
signature_check verify_signature(std::string_view public_key_b64, std::string_view timestamp_header,
                                 std::string_view signature_b64, std::string_view raw_body, std::int64_t now_unix,
                                 std::int64_t tolerance_seconds = 300);

// True when `public_key_b64` decodes to 32 bytes (checked once at start-up).
bool valid_public_key(std::string_view public_key_b64);

}  // namespace voxgate::net::telnyx
