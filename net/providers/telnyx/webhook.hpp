// Telnyx Call Control webhooks: the JSON envelope (data.id, data.event_type, data.payload) parsed
// into a typed event. Unknown event types parse fine (kind `other`): acknowledged and counted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace voxgate::net::telnyx {

enum class event_kind {
  call_initiated,
  call_answered,
  call_hangup,
  streaming_started,
  streaming_stopped,
  streaming_failed,
  dtmf_received,
  other,
};

struct webhook_event {
  event_kind kind = event_kind::other;
  std::string id;  // data.id: deliveries are retried and duplicated, so this dedupes
  std::string event_type;
  std::string occurred_at;
  std::string call_control_id;
  std::string call_leg_id;
  std::string call_session_id;
  std::string from;
  std::string to;
  std::string direction;  // "incoming" | "outgoing"
  std::string client_state;
  std::string detail;  // hangup_cause, failure_reason or the DTMF digit
};

std::optional<webhook_event> parse_webhook(std::string_view body, std::string* why);

}  // namespace voxgate::net::telnyx
