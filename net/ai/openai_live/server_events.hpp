// OpenAI GPT-Live (primary WebSocket) server events, parsed in place into a typed value. Pure.
// Unknown event types are `other`, never an error: the server adds new ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::ai::openai_live {

enum class server_kind : std::uint8_t {
  session_started,
  audio_delta,        // session.output_audio.delta
  input_transcript,   // session.input_transcript.delta: the caller's words
  output_transcript,  // session.output_transcript.delta: the model's words
  delegation,         // session.delegation.created (client delegation)
  function_call,      // response.event wrapping a completed function_call item (Responses delegation)
  usage,              // session.usage.updated
  closed,             // session.closed
  error,
  other,  // acks, info, other response.event payloads, types added later
};

struct server_event {
  server_kind kind = server_kind::other;
  std::string_view type;           // always set
  std::string_view delta;          // audio_delta: base64; *_transcript: text
  std::string_view session_id;     // session_started
  std::string_view delegation_id;  // delegation
  std::string_view target;         // delegation: "client" (ours to answer) or "responses" (the server's)
  std::string_view call_id;        // function_call
  std::string_view name;           // function_call
  std::string_view arguments;      // function_call: JSON text
  std::string_view reason;         // closed
  std::string_view error_code;     // error
  std::string_view message;        // error, info
  std::string_view param;          // error
  double usage_seconds = 0;        // usage, closed: cumulative session seconds
  std::int64_t expires_at = 0;     // session_started: Unix seconds
};

// Parses `text` in place; views in `out` point into it. Returns an error text or an empty view.
std::string_view parse_server_event(std::string& text, server_event& out);

}  // namespace voxgate::net::ai::openai_live
