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

// A Telnyx id as it names a call, its leg or its session (`v3:` and base64url, or a UUID): 1 to 256
// of letters, digits and : . _ - + / =. The id becomes a key, a REST path and a log field, so
// anything else (a space, a quote) is refused at the door.
bool is_telnyx_id(std::string_view s);

// Refuses (nothing, `why` set) a body that is not an event or whose call ids are not Telnyx ids.
std::optional<webhook_event> parse_webhook(std::string_view body, std::string* why);

}  // namespace voxgate::net::telnyx
