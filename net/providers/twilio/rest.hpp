// Twilio REST requests the gateway makes, as plain values for the HTTP client: hang up a call.
#pragma once

#include <string>
#include <string_view>

#include "net/headers.hpp"

namespace voxgate::net::twilio {

struct rest_request {
  std::string method;
  std::string url;
  header_list headers;
  std::string body;
};

// POST {base}/Accounts/{AC}/Calls/{CA}.json  Status=completed, HTTP Basic auth.
rest_request hangup_call(std::string_view api_base, std::string_view account_sid, std::string_view auth_token,
                         std::string_view call_sid);

}  // namespace voxgate::net::twilio
