#include "net/providers/plivo/webhook.hpp"

#include <algorithm>
#include <cctype>

namespace voxgate::net::plivo {

bool is_call_uuid(std::string_view s) {
  return s.size() >= 8 && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

std::optional<answer_webhook> parse_answer_webhook(std::string_view body, std::string* why) {
  auto form = parse_form_body(body, why);
  if (!form) return std::nullopt;
  auto get = [&](std::string_view k) { return param_value(*form, k); };
  answer_webhook w;
  w.call_uuid = get("CallUUID");
  if (!is_call_uuid(w.call_uuid)) {
    if (why) *why = "missing or malformed CallUUID";
    return std::nullopt;
  }
  w.from = get("From");
  w.to = get("To");
  w.direction = get("Direction");
  w.call_status = get("CallStatus");
  w.hangup_cause = get("HangupCause");
  w.form = std::move(*form);
  return w;
}

}  // namespace voxgate::net::plivo
