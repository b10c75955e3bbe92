#include "net/ai/openai_live/client_events.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"

namespace voxgate::net::ai::openai_live {

bool live_format(codecs::audio_format f) {
  switch (f.enc) {
    case codecs::encoding::pcmu:
    case codecs::encoding::pcma:
      return f.sample_rate == 8000;
    case codecs::encoding::pcm16:
      return f.sample_rate == 16000 || f.sample_rate == 24000;
    case codecs::encoding::l16:
    case codecs::encoding::g722:
      break;
  }
  return false;
}

std::string format_json(codecs::audio_format f) {
  std::string type = f.enc == codecs::encoding::pcmu   ? "audio/pcmu"
                     : f.enc == codecs::encoding::pcma ? "audio/pcma"
                                                       : "audio/pcm";
  return R"({"type":")" + type + R"(","rate":)" + std::to_string(f.sample_rate) + "}";
}

std::string session_start(const session_config& c, std::string_view event_id) {
  std::string out = R"({"type":"session.start","event_id":)";
  json::append_string(out, event_id);
  out += R"(,"session":{"model":)";
  json::append_string(out, c.model);
  out += R"(,"instructions":)";
  json::append_string(out, c.instructions);
  out += R"(,"audio":{"format":)";
  out += format_json(c.format);
  out += R"(,"output":{"voice":)";
  json::append_string(out, c.voice);
  out += R"(}},"delegation":)";
  if (c.delegation == delegation_mode::client) {
    out += R"({"type":"client"})";
  } else {
    out += R"({"type":"responses","responses":{"model":)";
    json::append_string(out, c.responses_model);
    out += R"(,"tools":)";
    out += c.responses_tools.empty() ? "[]" : c.responses_tools;
    out += "}}";
  }
  out += R"(,"store":false}})";
  return out;
}

void input_audio_append(std::span<const std::uint8_t> audio, std::string& out) {
  static constexpr std::string_view head = R"({"type":"session.input_audio.append","audio":")";
  out.reserve(out.size() + head.size() + codecs::base64::encoded_size(audio.size()) + 2);
  out += head;
  codecs::base64::encode_append(audio, out);
  out += "\"}";
}

namespace {

std::string append_event(std::string_view type, std::string_view content, std::string_view delegation_id) {
  std::string out = R"({"type":)";
  json::append_string(out, type);
  out += R"(,"content":)";
  json::append_string(out, content);
  out += R"(,"delegation_id":)";
  if (delegation_id.empty())
    out += "null";
  else
    json::append_string(out, delegation_id);
  out += "}";
  return out;
}

}  // namespace

std::string instructions_append(std::string_view content) {
  return append_event("session.instructions.append", content, {});
}

std::string commentary_append(std::string_view content, std::string_view delegation_id) {
  return append_event("session.commentary.append", content, delegation_id);
}

std::string function_call_output(std::string_view call_id, std::string_view output) {
  std::string out = R"({"type":"response.item.create","item":{"type":"function_call_output","call_id":)";
  json::append_string(out, call_id);
  out += R"(,"output":)";
  json::append_string(out, output);
  out += "}}";
  return out;
}

std::string response_create() { return R"({"type":"response.create"})"; }
std::string session_close() { return R"({"type":"session.close"})"; }

}  // namespace voxgate::net::ai::openai_live
