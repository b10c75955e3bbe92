// SignalWire's cXML requests (the Compatibility API, Twilio's shapes with UUID ids): the voice
// webhook that announces a call, a call status callback, and the <Stream>'s statusCallback, parsed
// from their form into one typed value. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/providers/twilio/webhook.hpp"

namespace voxgate::net::signalwire {

// Twilio's form, field for field: CallSid is a UUID here, AccountSid the Project ID.
using voice_webhook = twilio::voice_webhook;

// A call id VoxGate takes: SignalWire's UUIDs, and any other short id of safe characters (letters,
// digits, '-', '_', '.'; 1 to 64 of them), so that it can sit in a token, a path and a log line. No
// prefix or length is assumed beyond that: SignalWire documents its ids as UUIDs and nothing more.
bool is_call_id(std::string_view s);

// Refuses a body that is not a form, or whose CallSid is missing or not an id (is_call_id).
std::optional<voice_webhook> parse_voice_webhook(std::string_view form_body, std::string* why);

// The call is over (completed, canceled, failed, busy, no-answer): a status callback, not a new call.
bool call_has_ended(std::string_view call_status);

}  // namespace voxgate::net::signalwire
