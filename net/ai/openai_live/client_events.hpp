// OpenAI GPT-Live (primary WebSocket) client events, built as JSON text. Pure.
// Facts and sources: ../shared/reference/openai-live.md; the server's session schema is strict, so
// session.start carries exactly the documented fields and nothing else.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "codecs/audio_format.hpp"

namespace voxgate::net::ai::openai_live {

enum class delegation_mode : std::uint8_t {
  client,     // session.delegation.created -> our tool endpoint -> session.commentary.append
  responses,  // function calls inside response.event -> response.item.create + response.create
};

struct session_config {
  std::string model = "gpt-live-1";
  std::string instructions;
  std::string voice = "marin";
  // One format for both directions: audio/pcmu or audio/pcma at 8 kHz, or audio/pcm at 16 or 24 kHz.
  codecs::audio_format format = codecs::audio_format::g711_ulaw();
  delegation_mode delegation = delegation_mode::client;
  std::string responses_model;         // responses mode: the backend model (required there)
  std::string responses_tools = "[]";  // responses mode: a JSON array of function tools
};

// Whether GPT-Live takes `f` on the primary WebSocket (pcmu/pcma at 8 kHz, pcm16 at 16 or 24 kHz).
bool live_format(codecs::audio_format f);
// {"type":"audio/pcmu","rate":8000}: the rate is required for every format.
std::string format_json(codecs::audio_format f);

std::string session_start(const session_config& config, std::string_view event_id = "start_1");
// Appends {"type":"session.input_audio.append","audio":"<base64>"} to `out`.
void input_audio_append(std::span<const std::uint8_t> audio, std::string& out);
// Text for the model: an instruction (null delegation), or a delegation's result (commentary).
std::string instructions_append(std::string_view content);
std::string commentary_append(std::string_view content, std::string_view delegation_id);
// Responses delegation: a function call's output, then the turn that continues the response.
std::string function_call_output(std::string_view call_id, std::string_view output);
std::string response_create();
std::string session_close();

}  // namespace voxgate::net::ai::openai_live
