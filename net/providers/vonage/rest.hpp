// Vonage Voice REST requests the gateway makes, as plain values for the HTTP client: hang up a call.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "net/http_client.hpp"

namespace voxgate::net::vonage {

// PUT {api_url}/v1/calls/{uuid} {"action":"hangup"} with an RS256 application token; Vonage answers 204
// (404: the call is gone, 401: the token was refused). Nothing unless `uuid` is well formed and the key
// signs.
std::optional<http_client_request> hangup_call(std::string_view api_url, std::string_view application_id,
                                               std::string_view private_key_pem, std::string_view uuid,
                                               std::int64_t unix_now);

}  // namespace voxgate::net::vonage
