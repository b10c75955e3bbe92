// The few cryptographic primitives the dialects need, over OpenSSL: HMACs, SHA-256, random bytes,
// constant-time comparison, Ed25519 verification. Pure functions of their inputs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::crypto {

std::string hmac_sha1(std::string_view key, std::string_view message);    // raw 20 bytes
std::string hmac_sha256(std::string_view key, std::string_view message);  // raw 32 bytes
std::string sha256_hex(std::string_view message);
std::string random_bytes(std::size_t n);
bool constant_time_equal(std::string_view a, std::string_view b);
// Whether a secret someone presented is `expected`: their SHA-256 digests compared in constant time,
// so the time says nothing of either's length.
bool same_secret(std::string_view given, std::string_view expected);
// Pure Ed25519 (RFC 8032). public_key: 32 raw bytes; signature: 64 raw bytes.
bool ed25519_verify(std::string_view public_key, std::string_view signature, std::string_view message);

}  // namespace voxgate::net::crypto
