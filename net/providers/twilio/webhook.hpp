// Twilio's voice webhook (the call-arrived POST), parsed from its form into a typed value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::twilio {

struct voice_webhook {
  std::string call_sid;
  std::string account_sid;
  std::string from;
  std::string to;
  std::string direction;
  std::string call_status;
  param_list form;  // every field, for the signature and for the tool webhook
};

// Refuses a form without a well-formed CallSid ("CA" + 32 hex digits).
std::optional<voice_webhook> parse_voice_webhook(std::string_view form_body, std::string* why);
bool is_call_sid(std::string_view s);

}  // namespace voxgate::net::twilio
