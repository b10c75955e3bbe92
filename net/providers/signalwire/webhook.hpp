// SignalWire's cXML requests (the Compatibility API, Twilio's shapes with UUID ids): the voice
// webhook that announces a call, a call status callback, and the <Stream>'s statusCallback, parsed
// from their form into one typed value. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::signalwire {

struct voice_webhook {
  std::string call_sid;     // a UUID on SignalWire (never Twilio's CA…)
  std::string account_sid;  // the Project ID
  std::string from;
  std::string to;
  std::string direction;
  std::string call_status;   // ringing, in-progress, queued, completed, canceled, failed, busy, no-answer
  std::string stream_sid;    // the <Stream>'s statusCallback only
  std::string stream_event;  // stream-started, stream-stopped, stream-error; empty on a voice webhook
  std::string stream_error;  // with stream-error: invalid_url, codec_error, connection_refused, …
  param_list form;           // every field, as received
};

// A call id VoxGate takes: SignalWire's UUIDs, and any other short id of safe characters (letters,
// digits, '-', '_', '.'; 1 to 64 of them), so that it can sit in a token, a path and a log line. No
// prefix or length is assumed beyond that: SignalWire documents its ids as UUIDs and nothing more.
bool is_call_id(std::string_view s);

// Refuses a body that is not a form, or whose CallSid is missing or not an id (is_call_id).
std::optional<voice_webhook> parse_voice_webhook(std::string_view form_body, std::string* why);

// The call is over (completed, canceled, failed, busy, no-answer): a status callback, not a new call.
bool call_has_ended(std::string_view call_status);

}  // namespace voxgate::net::signalwire
