// OpenAI Realtime (GA interface) server events, parsed in place into a typed value. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::ai::openai_realtime {

enum class server_kind : std::uint8_t {
  session_created,
  session_updated,
  speech_started,
  speech_stopped,
  audio_delta,
  function_call_done,
  response_done,
  error,
  other,
};

struct server_event {
  server_kind kind = server_kind::other;
  std::string_view type;         // the event's type, always set
  std::string_view item_id;      // speech_*, audio_delta, function_call_done
  std::string_view response_id;  // audio_delta, response_done
  std::string_view delta;        // audio_delta: base64 audio (view into the parsed text)
  std::string_view call_id;      // function_call_done
  std::string_view name;         // function_call_done
  std::string_view arguments;    // function_call_done: JSON text
  std::string_view status;       // response_done
  std::string_view error_code;   // error
  std::string_view message;      // error
  std::uint32_t audio_ms = 0;    // speech_started: audio_start_ms; speech_stopped: audio_end_ms
};

// Parses `text` in place; views in `out` point into it. Returns an error text or an empty view.
std::string_view parse_server_event(std::string& text, server_event& out);

}  // namespace voxgate::net::ai::openai_realtime
