// Twilio's voice webhook (the call-arrived POST) and its <Stream>'s statusCallback, parsed from their
// form into one typed value. SignalWire's Compatibility API sends the same form with its own ids.
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
  std::string stream_sid;    // the <Stream>'s statusCallback only
  std::string stream_event;  // stream-started, stream-stopped, stream-error; empty on a voice webhook
  std::string stream_error;  // with stream-error: what failed
  param_list form;           // every field, for the signature and for the tool webhook
};

bool is_call_sid(std::string_view s);  // "CA" + 32 hex digits

// Refuses a body that is not a form, or whose CallSid is missing or fails `is_call_id`.
std::optional<voice_webhook> parse_voice_webhook(std::string_view form_body, std::string* why,
                                                 bool (*is_call_id)(std::string_view) = is_call_sid);

}  // namespace voxgate::net::twilio
