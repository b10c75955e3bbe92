#include "net/providers/signalwire/webhook.hpp"

#include <array>

namespace voxgate::net::signalwire {

bool is_call_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool call_has_ended(std::string_view status) {
  static constexpr std::array<std::string_view, 5> ended = {"completed", "canceled", "failed", "busy", "no-answer"};
  for (auto e : ended)
    if (status == e) return true;
  return false;
}

std::optional<voice_webhook> parse_voice_webhook(std::string_view body, std::string* why) {
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

}  // namespace voxgate::net::signalwire
