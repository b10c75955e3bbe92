#include "net/ai/openai_realtime/client_events.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"

namespace voxgate::net::ai::openai_realtime {

std::string format_json(codecs::audio_format f) {
  switch (f.enc) {
    case codecs::encoding::pcmu:
      return R"({"type":"audio/pcmu"})";
    case codecs::encoding::pcma:
      return R"({"type":"audio/pcma"})";
    case codecs::encoding::pcm16:
      return R"({"type":"audio/pcm","rate":)" + std::to_string(f.sample_rate) + "}";
    case codecs::encoding::l16:
    case codecs::encoding::g722:
      break;  // not Realtime formats: the transcoder converts these
  }
  return "{}";
}

std::string session_update(const session_config& c) {
  std::string out = R"({"type":"session.update","session":{"type":"realtime","output_modalities":["audio"],)";
  out += R"("instructions":)";
  json::append_string(out, c.instructions);
  out += R"(,"audio":{"input":{"format":)";
  out += format_json(c.input_format);
  // Explicit: the defaults of create_response / interrupt_response are not documented.
  out += R"(,"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,)"
         R"("silence_duration_ms":500,"create_response":true,"interrupt_response":true}},)";
  out += R"("output":{"format":)";
  out += format_json(c.output_format);
  out += R"(,"voice":)";
  json::append_string(out, c.voice);
  out += R"(}},"tools":)";
  out += c.tools_json.empty() ? "[]" : c.tools_json;
  out += R"(,"tool_choice":"auto"}})";
  return out;
}

void input_audio_append(std::span<const std::uint8_t> audio, std::string& out) {
  static constexpr std::string_view head = R"({"type":"input_audio_buffer.append","audio":")";
  out.reserve(out.size() + head.size() + codecs::base64::encoded_size(audio.size()) + 2);
  out += head;
  codecs::base64::encode_append(audio, out);
  out += "\"}";
}

std::string item_truncate(std::string_view item_id, std::uint32_t audio_end_ms) {
  std::string out = R"({"type":"conversation.item.truncate","item_id":)";
  json::append_string(out, item_id);
  out += R"(,"content_index":0,"audio_end_ms":)";
  out += std::to_string(audio_end_ms);
  out += "}";
  return out;
}

std::string function_call_output(std::string_view call_id, std::string_view output) {
  std::string out = R"({"type":"conversation.item.create","item":{"type":"function_call_output","call_id":)";
  json::append_string(out, call_id);
  out += R"(,"output":)";
  json::append_string(out, output);
  out += "}}";
  return out;
}

std::string user_text_item(std::string_view text) {
  std::string out =
      R"({"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":)";
  json::append_string(out, text);
  out += "}]}}";
  return out;
}

std::string response_create() { return R"({"type":"response.create"})"; }
std::string response_cancel() { return R"({"type":"response.cancel"})"; }

}  // namespace voxgate::net::ai::openai_realtime
