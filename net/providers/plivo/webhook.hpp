// Plivo's answer_url request (the call-arrived POST, form-encoded), parsed into a typed value. The same
// shape comes to a hangup_url pointed at it, with CallStatus=completed and a HangupCause.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::plivo {

struct answer_webhook {
  std::string call_uuid;
  std::string from;
  std::string to;
  std::string direction;    // inbound, outbound
  std::string call_status;  // ringing, in-progress, completed, ...
  std::string hangup_cause;
  param_list form;  // every field, as the signature covers them

  bool ended() const { return call_status == "completed" || !hangup_cause.empty(); }
};

// Refuses a form without a well-formed CallUUID.
std::optional<answer_webhook> parse_answer_webhook(std::string_view form_body, std::string* why);

// A CallUUID the gateway will put in a REST path and in a media token: 8 to 64 letters, digits and
// dashes. Plivo's are UUID-shaped; an empty one must never reach the hang-up (it would end every call).
bool is_call_uuid(std::string_view s);

}  // namespace voxgate::net::plivo
