// SignalWire Compatibility REST requests the gateway makes, as plain values for the HTTP client.
#pragma once

#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace voxgate::net::signalwire {

// The REST base for a space: {space_url}/api/laml/2010-04-01, whether or not `space_url` already
// ends with that path or a '/'.
std::string api_base(std::string_view space_url);

// Hangs up: POST {base}/Accounts/{ProjectID}/Calls/{CallSid}  Status=completed, HTTP Basic
// ProjectID:APIToken. The path has no ".json": SignalWire's current API specification writes it
// without, its older pages with; both are the same resource.
http_client_request hangup_call(std::string_view space_url, std::string_view project_id, std::string_view api_token,
                                std::string_view call_sid);

}  // namespace voxgate::net::signalwire
