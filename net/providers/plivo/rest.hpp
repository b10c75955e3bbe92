// Plivo Voice REST requests the gateway makes, as plain values for the HTTP client: hang up a call.
#pragma once

#include <optional>
#include <string_view>

#include "net/http_client.hpp"

namespace voxgate::net::plivo {

// DELETE {base}/Account/{auth_id}/Call/{call_uuid}/ with HTTP Basic auth; Plivo answers 204.
// Nothing unless `call_uuid` is a well-formed CallUUID: without one the same URL ends EVERY call on the
// account. Nothing either when the auth id is not letters and digits.
std::optional<http_client_request> hangup_call(std::string_view api_base, std::string_view auth_id,
                                               std::string_view auth_token, std::string_view call_uuid);

}  // namespace voxgate::net::plivo
