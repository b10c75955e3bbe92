// SignalWire's side of the protocol, for whatever plays SignalWire (the test fake, and tools that may
// come to): the cXML voice webhook's form, the <Stream>'s status callback form, and the media-stream
// messages SignalWire sends, in the shapes its <Stream> reference documents. Pure builders.
//
// Where they differ from Twilio's (tools/sim/twilio_caller.hpp): ids are UUIDs; `connected` says
// version 0.2.0; `start`, `media` and `stop` carry no top-level streamSid; `stop` has no body; `dtmf`
// has a duration and no track. The <Connect><Stream> answer is read with net::twilio's
// parse_stream_instruction, as it is TwiML's shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim::signalwire {

// A fixed, obviously made-up Project ID (the webhooks' AccountSid): nothing here is a credential.
constexpr std::string_view simulated_project_id = "00000000-0000-4000-8000-000000000000";

// A random version-4 UUID, lower case: SignalWire's CallSid, StreamSid, Project ID shape.
std::string random_uuid();

// What SignalWire posts to a number's voice URL when a call comes in (CallStatus=ringing).
net::param_list voice_webhook_form(std::string_view call_sid);
// What SignalWire posts to a <Stream>'s statusCallback: stream-started, stream-stopped, stream-error
// (then with `stream_error`, e.g. connection_refused).
net::param_list stream_status_form(std::string_view call_sid, std::string_view stream_sid,
                                   std::string_view stream_event, std::string_view stream_error = {});

std::string connected_message();
// `custom_parameters` become start.customParameters, as the cXML's <Parameter>s do; μ-law 8 kHz.
std::string start_message(std::string_view stream_sid, std::string_view call_sid,
                          const net::param_list& custom_parameters);
// Counters are strings; `timestamp` is (chunk - 1) * 20 ms.
std::string media_message(std::uint64_t sequence, std::uint64_t chunk, std::string_view raw_mulaw);
std::string mark_echo(std::string_view stream_sid, std::string_view name);
std::string dtmf_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view digit);
std::string stop_message(std::uint64_t sequence);

// Reads a cXML answer as SignalWire does: its <Connect><Stream>, or nothing with `why` SignalWire would
// refuse it (not cXML, no <Connect><Stream>, a url that is not wss, has whitespace or a query). A ws://
// url passes with `ws_ok` (a gateway on this machine without TLS, which SignalWire itself never calls).
std::optional<twilio::stream_instruction> read_cxml_answer(std::string_view cxml, std::string& why, bool ws_ok = false);

}  // namespace voxgate::sim::signalwire
