// What an OpenAI Realtime (GA) peer that echoes says, written once for the tests' fake OpenAI
// (tests/fakes/fake_openai) and the capacity bench's echo AI (bench/echo_ai): session.created on
// open, session.updated for session.update, and for each input_audio_buffer.append a
// response.output_audio.delta carrying the same audio. Header-only text, no parser: the bench's
// peer links nothing of the gateway's.
#pragma once

#include <string>
#include <string_view>

namespace voxgate::sim::realtime_echo {

inline constexpr std::string_view session_created =
    R"({"type":"session.created","event_id":"evt_1","session":{"type":"realtime","model":"gpt-realtime"}})";
inline constexpr std::string_view session_updated =
    R"({"type":"session.updated","event_id":"evt_2","session":{"type":"realtime"}})";
inline constexpr std::string_view delta_head =
    R"({"type":"response.output_audio.delta","event_id":"evt_d","response_id":"resp_echo","item_id":"item_echo","output_index":0,"content_index":0,"delta":")";

// The string value of the first `"key":"` in `event` (base64 and event types hold no escapes).
inline std::string_view field(std::string_view event, std::string_view key) {
  std::string head = "\"" + std::string(key) + "\":\"";
  auto at = event.find(head);
  if (at == std::string_view::npos) return {};
  at += head.size();
  auto end = event.find('"', at);
  return end == std::string_view::npos ? std::string_view{} : event.substr(at, end - at);
}

// For an input_audio_buffer.append, appends to `out` the delta that echoes its audio; false for any
// other event.
inline bool append_echo(std::string_view event, std::string& out) {
  if (field(event, "type") != "input_audio_buffer.append") return false;
  auto audio = field(event, "audio");
  out.reserve(out.size() + delta_head.size() + audio.size() + 2);
  out.append(delta_head).append(audio).append("\"}");
  return true;
}

}  // namespace voxgate::sim::realtime_echo
