#include "net/providers/twilio/webhook.hpp"

#include <cctype>

namespace voxgate::net::twilio {

bool is_call_sid(std::string_view s) {
  if (s.size() != 34 || s.substr(0, 2) != "CA") return false;
  for (char c : s.substr(2))
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<voice_webhook> parse_voice_webhook(std::string_view body, std::string* why,
                                                 bool (*is_call_id)(std::string_view)) {
  auto form = parse_form_body(body, why);
  if (!form) return std::nullopt;
  auto get = [&](std::string_view k) { return param_value(*form, k); };
  voice_webhook w;
  w.call_sid = get("CallSid");
  if (!is_call_id(w.call_sid)) {
    if (why) *why = w.call_sid.empty() ? "missing CallSid" : "malformed CallSid";
    return std::nullopt;
  }
  w.account_sid = get("AccountSid");
  w.from = get("From");
  w.to = get("To");
  w.direction = get("Direction");
  w.call_status = get("CallStatus");
  w.stream_sid = get("StreamSid");
  w.stream_event = get("StreamEvent");
  w.stream_error = get("StreamError");
  w.form = std::move(*form);
  return w;
}

}  // namespace voxgate::net::twilio
