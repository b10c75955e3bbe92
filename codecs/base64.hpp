// Strict standard base64 (RFC 4648 section 4, '=' padding required, no whitespace, no URL alphabet).
// Bad input is refused, never guessed at: providers that send URL-safe or wrapped base64 get an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace voxgate::codecs::base64 {

constexpr std::size_t encoded_size(std::size_t raw) { return (raw + 2) / 3 * 4; }
constexpr std::size_t max_decoded_size(std::size_t encoded) { return encoded / 4 * 3; }

// Writes encoded_size(in.size()) characters to `out` (which must be that large).
void encode(std::span<const std::uint8_t> in, char* out);
// Appends to `out`; reserve first to avoid reallocation.
void encode_append(std::span<const std::uint8_t> in, std::string& out);
std::string encode(std::span<const std::uint8_t> in);
std::string encode(std::string_view in);

// Decodes into `out` (at least max_decoded_size bytes). Returns the byte count, or nothing on bad input.
std::optional<std::size_t> decode(std::string_view in, std::uint8_t* out);
std::optional<std::string> decode(std::string_view in);
// Checks without decoding: length a multiple of 4, alphabet, padding only at the end.
bool is_valid(std::string_view in);

}  // namespace voxgate::codecs::base64
