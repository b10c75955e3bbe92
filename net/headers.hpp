// HTTP header lists as plain values, so dialects and handlers never see Beast types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voxgate::net {

// Names are stored lowercase.
using header_list = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullptr when absent.
const std::string* find_header(const header_list& headers, std::string_view name);
std::string header_or(const header_list& headers, std::string_view name, std::string_view fallback = {});

// The token of an `Authorization: Bearer <token>` value: the scheme in any case (RFC 9110), one space
// or more, the token without the spaces around it. Nothing for another scheme or an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// A header's value in a raw HTTP head (the request or status line, then header lines, each ending in
// CRLF; the blank line optional), by case-insensitive name, leading spaces trimmed; empty when absent.
// For the tools that speak HTTP by hand (`voxgate load`, the bench echo).
std::string_view header_in_head(std::string_view head, std::string_view name);

}  // namespace voxgate::net
