#include "net/providers/telnyx/webhook.hpp"

#include <rapidjson/document.h>

#include <cctype>

#include "net/json.hpp"

namespace voxgate::net::telnyx {

bool is_telnyx_id(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != ':' && c != '.' && c != '_' && c != '-' && c != '+' && c != '/' && c != '=')
      return false;
  return true;
}

std::optional<webhook_event> parse_webhook(std::string_view body, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<webhook_event> {
    if (why) *why = reason;
    return std::nullopt;
  };
  rapidjson::Document doc;
  if (!json::parse(doc, body).empty() || !doc.IsObject()) return fail("body is not a JSON object");
  const auto* data = json::member(doc, "data");
  if (!data || !data->IsObject()) return fail("no data object");
  webhook_event e;
  e.id = std::string(json::string_or(*data, "id"));
  e.event_type = std::string(json::string_or(*data, "event_type"));
  if (e.id.empty() || e.event_type.empty()) return fail("data.id or data.event_type missing");
  e.occurred_at = std::string(json::string_or(*data, "occurred_at"));
  static const json::value empty_object(rapidjson::kObjectType);
  const auto* payload = json::member(*data, "payload");
  const auto& p = payload && payload->IsObject() ? *payload : empty_object;
  e.call_control_id = std::string(json::string_or(p, "call_control_id"));
  e.call_leg_id = std::string(json::string_or(p, "call_leg_id"));
  e.call_session_id = std::string(json::string_or(p, "call_session_id"));
  e.from = std::string(json::string_or(p, "from"));
  e.to = std::string(json::string_or(p, "to"));
  e.direction = std::string(json::string_or(p, "direction"));
  e.client_state = std::string(json::string_or(p, "client_state"));
  const auto& t = e.event_type;
  if (t == "call.initiated") {
    e.kind = event_kind::call_initiated;
  } else if (t == "call.answered") {
    e.kind = event_kind::call_answered;
  } else if (t == "call.hangup") {
    e.kind = event_kind::call_hangup;
    e.detail = std::string(json::string_or(p, "hangup_cause", "unspecified"));
  } else if (t == "streaming.started") {
    e.kind = event_kind::streaming_started;
  } else if (t == "streaming.stopped") {
    e.kind = event_kind::streaming_stopped;
  } else if (t == "streaming.failed") {
    e.kind = event_kind::streaming_failed;
    e.detail = std::string(json::string_or(p, "failure_reason", "unspecified"));
  } else if (t == "call.dtmf.received") {
    e.kind = event_kind::dtmf_received;
    e.detail = std::string(json::string_or(p, "digit"));
  }
  if (e.kind != event_kind::other && e.call_control_id.empty()) return fail("call event without call_control_id");
  for (const auto* id : {&e.call_control_id, &e.call_leg_id, &e.call_session_id})
    if (!id->empty() && !is_telnyx_id(*id))
      return fail("a call id that is not a Telnyx id (1 to 256 of A-Z a-z 0-9 : . _ - + / =)");
  return e;
}

}  // namespace voxgate::net::telnyx
