// The whole contract between VoxGate's actors: every message type and every typed interface.
// Reading this file tells you every conversation: supervisor <-> call <-> ai_session / transcoder.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codecs/audio_format.hpp"
#include "net/providers/provider.hpp"
#include "net/url.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::actors {

// A telephony provider, as the registry made it for this gateway (net/providers/registry.hpp).
using provider_ptr = const net::providers::provider*;
inline std::string_view to_string(provider_ptr p) { return p ? p->name() : std::string_view("?"); }

// Audio between actors: raw bytes in `format` (never base64), tagged with the AI item it belongs to.
struct audio_chunk {
  codecs::audio_format format;
  std::string bytes;
  std::string item_id;  // AI output only
};

// A call announced by a verified webhook, and who announced it.
struct incoming_call : net::providers::new_call {
  provider_ptr provider = nullptr;
  // Placed by one of VoxGate's own tools (X-VoxGate-Simulated: "probe", "call", "load"; "other" for any
  // other value), empty for a real call. Only a label: it changes no behaviour and no check.
  std::string simulated;
};

// A provider webhook about a call that already exists (Telnyx Call Control events).
using call_event_kind = net::providers::event_kind;

struct provider_event : net::providers::call_event {
  provider_ptr provider = nullptr;
  bool relayed = false;  // forwarded by another instance (cluster): never forwarded again
};

// What an AI session says of itself to its call.
enum class ai_state : std::uint8_t {
  ready,           // set up: the call's audio can flow
  speech_stopped,  // the caller's turn ended (when the session cannot say at which ms: speech_end)
  response_done,   // the AI finished speaking its response
};

// How a call ended: voxgate_calls_total's outcome label, and who ended it in the summary line.
enum class outcome : std::uint8_t {
  completed,                // the caller hung up (Twilio's stop, Telnyx's call.hangup)
  end_call,                 // the AI called its end_call tool
  ai_ended,                 // the AI closed its session cleanly (GPT-Live's session.closed)
  ai_failed,                // the AI session failed
  no_media,                 // the provider's media socket never came
  stream_failed,            // the provider said it could not stream
  provider_closed,          // the provider's socket went away without a stop
  provider_request_failed,  // one of our REST requests to the provider failed (answer, streaming_start)
  internal_error,           // one of the call's own actors died
  shutdown,                 // the gateway is stopping
};

// An outcome with what the log line adds: why the socket closed, which request failed.
struct call_end {
  actors::outcome outcome = outcome::completed;
  std::string detail;
};
std::string_view to_string(outcome o);
std::string_view to_string(ai_state s);

// The supervisor's answer to a webhook.
struct call_admission {
  bool admitted = false;
  std::string reason;  // when refused: "capacity", "draining", "duplicate", ...
  std::string token;   // when admitted: the signed per-call token for the media socket
};

// What an AI session billed by time has used so far (cumulative), and what that costs.
struct ai_usage {
  double seconds = 0;
  double cost_usd = 0;
};

struct tool_call {
  std::string call_id;
  std::string name;
  std::string arguments;  // JSON text
};

struct tool_result {
  std::string call_id;
  std::string output;  // text handed to the AI as function_call_output
};

// A media socket waiting for its provider's `start` (handshake mode; see net::ws_channel).
struct pending_socket {
  net::ws_channel_ptr channel;
  provider_ptr provider = nullptr;
  std::string upgrade_token;  // a token that came with the upgrade itself (Telnyx path/header); may be empty
};

// ---- atoms (CAF 0.17: at most 10 characters) ----
using admit_atom = caf::atom_constant<caf::atom("admit")>;
using calls_atom = caf::atom_constant<caf::atom("calls")>;
using count_atom = caf::atom_constant<caf::atom("count")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using end_all_atom = caf::atom_constant<caf::atom("end_all")>;
using hs_frame_atom = caf::atom_constant<caf::atom("hs_frame")>;
using hs_binary_atom = caf::atom_constant<caf::atom("hs_binary")>;
using hs_closed_atom = caf::atom_constant<caf::atom("hs_closed")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using binary_frame_atom = caf::atom_constant<caf::atom("bin_frame")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using caller_atom = caf::atom_constant<caf::atom("caller")>;  // caller audio toward the AI
using ai_audio_atom = caf::atom_constant<caf::atom("ai_audio")>;
using speech_atom = caf::atom_constant<caf::atom("speech")>;          // caller started speaking (barge-in)
using speech_end_atom = caf::atom_constant<caf::atom("speech_end")>;  // the AI ended the caller's turn
using ai_state_atom = caf::atom_constant<caf::atom("ai_state")>;
using tool_atom = caf::atom_constant<caf::atom("tool")>;
using tool_done_atom = caf::atom_constant<caf::atom("tool_done")>;
using truncate_atom = caf::atom_constant<caf::atom("truncate")>;
using dtmf_atom = caf::atom_constant<caf::atom("dtmf")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using ai_frame_atom = caf::atom_constant<caf::atom("ai_frame")>;
using ai_closed_atom = caf::atom_constant<caf::atom("ai_closed")>;
using ai_open_atom = caf::atom_constant<caf::atom("ai_open")>;
using event_atom = caf::atom_constant<caf::atom("event")>;
using usage_atom = caf::atom_constant<caf::atom("usage")>;
using to_ai_atom = caf::atom_constant<caf::atom("to_ai")>;
using to_call_atom = caf::atom_constant<caf::atom("to_call")>;

// ---- interfaces ----

// Where AI audio goes: the call actor, or the transcoder in front of it.
using ai_audio_sink = caf::typed_actor<caf::reacts_to<ai_audio_atom, audio_chunk>>;

// Where caller audio goes: the AI session, or the transcoder in front of it.
using caller_audio_sink = caf::typed_actor<caf::reacts_to<caller_atom, audio_chunk>>;

// What an AI session reports to its call. The end of the caller's turn comes as ai_state
// "speech_stopped", or better as speech_end with the position in the caller audio the session received
// (ms from its first byte) at which it decided, as OpenAI's speech_stopped says (audio_end_ms). A
// session that ends itself cleanly (quit with no error) has hung up: the call ends as ai_ended.
using ai_listener = caf::typed_actor<caf::reacts_to<ai_audio_atom, audio_chunk>, caf::reacts_to<speech_atom>,
                                     caf::reacts_to<speech_end_atom, std::uint32_t>,
                                     caf::reacts_to<ai_state_atom, ai_state>, caf::reacts_to<tool_atom, tool_call>,
                                     caf::reacts_to<usage_atom, ai_usage>>;

// An AI session (openai, local, ...): one per call, linked to its call actor.
using ai_session_actor = caf::typed_actor<
    caf::reacts_to<caller_atom, audio_chunk>,                   // caller audio, in the session's input format
    caf::reacts_to<truncate_atom, std::string, std::uint32_t>,  // item_id, audio_end_ms actually played
    caf::reacts_to<tool_done_atom, tool_result>,                // a tool's output
    caf::reacts_to<dtmf_atom, std::string>,                     // a keypad digit from the caller
    caf::reacts_to<to_call_atom, ai_audio_sink>>;  // where its audio goes from now (a new transcoder)

// ...and as its own socket and timer reach it (each backend's behaviour; never handed out).
using ai_session_internal =
    ai_session_actor::extend<caf::reacts_to<ai_open_atom, net::ws_channel_ptr, std::string>,  // channel or error
                             caf::reacts_to<ai_frame_atom, std::string>, caf::reacts_to<ai_closed_atom, std::string>,
                             caf::reacts_to<tick_atom>>;

// A call: owns the provider socket, its AI session and (when formats differ) its transcoder.
using call_actor =
    caf::typed_actor<caf::reacts_to<attach_atom, pending_socket, net::stream_start>,  // from the supervisor
                     caf::reacts_to<ai_audio_atom, audio_chunk>,      // AI audio, in the provider's format
                     caf::reacts_to<speech_atom>,                     // the caller started speaking
                     caf::reacts_to<speech_end_atom, std::uint32_t>,  // the caller's turn ended, at this ms
                     caf::reacts_to<ai_state_atom, ai_state>,         // the AI session's state
                     caf::reacts_to<tool_atom, tool_call>,            // the AI calls a tool
                     caf::reacts_to<usage_atom, ai_usage>,            // what the AI session has cost so far
                     caf::reacts_to<hangup_atom, call_end>,           // end now, with this outcome
                     caf::reacts_to<event_atom, provider_event>>;     // a provider webhook about this call

// ...and as its own provider socket, timers and tool requests reach it (actors/call.cpp).
using call_internal = call_actor::extend<caf::reacts_to<frame_atom, std::string>,      // provider frame
                                         caf::reacts_to<binary_frame_atom, std::string>,  // provider binary frame
                                         caf::reacts_to<closed_atom, std::string>,     // provider socket closed
                                         caf::reacts_to<tool_done_atom, tool_result>,  // a tool webhook answered
                                         caf::reacts_to<tick_atom>,                    // playout clock
                                         caf::reacts_to<timeout_atom>>;                // no media socket in time

// Converts audio between the provider's format and the AI's, one stateful converter per direction. It
// sits in the pipeline: caller audio from the call goes on to the AI session, AI audio from the session
// goes on to the call. It is spawned before the session, which it learns of next (to_ai).
using transcoder_actor =
    caf::typed_actor<caf::reacts_to<caller_atom, audio_chunk>, caf::reacts_to<ai_audio_atom, audio_chunk>,
                     caf::reacts_to<to_ai_atom, caller_audio_sink>>;

// A live call as /calls lists it.
struct call_summary {
  std::string id;
  std::string provider;
  std::string session_id;
  std::string from;
  std::string to;
  std::string ai;
  std::string simulated;
  std::string state;
  int worker = 0;
  std::int64_t age_ms = 0;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  net::param_list parameters;
};

// The supervisor: admits calls, routes media sockets to them, knows every live call.
using supervisor_actor =
    caf::typed_actor<caf::replies_to<admit_atom, incoming_call>::with<call_admission>,
                     caf::reacts_to<hangup_atom, std::string, call_end>,  // call id, outcome (operator/webhook)
                     caf::reacts_to<event_atom, provider_event>,          // routed by either of the call's ids
                     caf::replies_to<calls_atom>::with<std::vector<call_summary>>,  // /calls
                     caf::replies_to<count_atom>::with<std::uint64_t>,              // live calls
                     caf::reacts_to<drain_atom>,                 // refuse new calls from now on
                     caf::reacts_to<end_all_atom, call_end>>;    // end every call now, with this outcome

// ...and as the media sockets still in handshake reach it (actors/socket_sinks.hpp, media_door()).
using supervisor_internal =
    supervisor_actor::extend<caf::reacts_to<hs_frame_atom, pending_socket, std::string>,  // a frame in handshake
                             caf::reacts_to<hs_binary_atom, pending_socket, std::string>,  // a binary one
                             caf::reacts_to<hs_closed_atom, pending_socket, std::string>>;

}  // namespace voxgate::actors

// Local-only messages: VoxGate never sends them over a network, so they skip CAF's serialization.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::audio_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::incoming_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::call_admission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::tool_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::ai_usage)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::provider_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::tool_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::call_end)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<voxgate::actors::call_summary>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::ai_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::actors::pending_socket)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::net::stream_start)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(voxgate::net::ws_channel_ptr)
