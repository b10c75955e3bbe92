// X-Twilio-Signature: base64(HMAC-SHA1(auth token, public URL + sorted form key/value pairs)).
// Pure: the caller supplies the URL Twilio called (built from PUBLIC_URL, never from the request).
#pragma once

#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::twilio {

std::string compute_signature(std::string_view auth_token, std::string_view full_url, const param_list& form);

// Constant-time check. Also accepts the URL with the default port made explicit (":443" for
// https/wss, ":80" for http/ws) or removed, as Twilio's own SDKs do.
bool verify_signature(std::string_view auth_token, std::string_view full_url, const param_list& form,
                      std::string_view header_value);

}  // namespace voxgate::net::twilio
