// OpenAI Realtime (GA interface) client events, built as JSON text. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "codecs/audio_format.hpp"

namespace voxgate::net::ai::openai_realtime {

struct session_config {
  std::string instructions;
  std::string voice = "marin";
  codecs::audio_format input_format = codecs::audio_format::g711_ulaw();
  codecs::audio_format output_format = codecs::audio_format::g711_ulaw();
  std::string tools_json = "[]";  // a JSON array of {type:"function",name,description,parameters}
};

// "audio/pcmu", "audio/pcma", or {"type":"audio/pcm","rate":24000}.
std::string format_json(codecs::audio_format f);

std::string session_update(const session_config& config);
// Appends {"type":"input_audio_buffer.append","audio":"<base64>"} to `out`.
void input_audio_append(std::span<const std::uint8_t> audio, std::string& out);
std::string item_truncate(std::string_view item_id, std::uint32_t audio_end_ms);
std::string function_call_output(std::string_view call_id, std::string_view output);
std::string user_text_item(std::string_view text);
std::string response_create();
std::string response_cancel();

}  // namespace voxgate::net::ai::openai_realtime
