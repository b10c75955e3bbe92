#include "net/ai/openai_realtime/server_events.hpp"

#include "net/json.hpp"

namespace voxgate::net::ai::openai_realtime {

std::string_view parse_server_event(std::string& text, server_event& out) {
  json::insitu_document doc;
  if (auto err = doc.parse(text); !err.empty()) return err;
  const auto& root = doc.root();
  auto type = json::string_of(root, "type");
  if (!type) return "no type field";
  out = server_event{};
  out.type = *type;
  if (*type == "response.output_audio.delta") {
    auto delta = json::string_of(root, "delta");
    if (!delta) return "audio delta without delta";
    out.kind = server_kind::audio_delta;
    out.delta = *delta;
    out.item_id = json::string_or(root, "item_id");
    out.response_id = json::string_or(root, "response_id");
  } else if (*type == "input_audio_buffer.speech_started") {
    out.kind = server_kind::speech_started;
    out.item_id = json::string_or(root, "item_id");
    out.audio_ms = static_cast<std::uint32_t>(json::counter_of(root, "audio_start_ms").value_or(0));
  } else if (*type == "input_audio_buffer.speech_stopped") {
    out.kind = server_kind::speech_stopped;
    out.item_id = json::string_or(root, "item_id");
    out.audio_ms = static_cast<std::uint32_t>(json::counter_of(root, "audio_end_ms").value_or(0));
  } else if (*type == "response.function_call_arguments.done") {
    out.kind = server_kind::function_call_done;
    out.call_id = json::string_or(root, "call_id");
    out.name = json::string_or(root, "name");
    out.arguments = json::string_or(root, "arguments", "{}");
    out.item_id = json::string_or(root, "item_id");
    if (out.call_id.empty() || out.name.empty()) return "function call without call_id or name";
  } else if (*type == "response.done") {
    out.kind = server_kind::response_done;
    if (const auto* response = json::member(root, "response")) {
      out.status = json::string_or(*response, "status");
      out.response_id = json::string_or(*response, "id");
    }
  } else if (*type == "session.created") {
    out.kind = server_kind::session_created;
  } else if (*type == "session.updated") {
    out.kind = server_kind::session_updated;
  } else if (*type == "error") {
    out.kind = server_kind::error;
    if (const auto* e = json::member(root, "error")) {
      out.error_code = json::string_or(*e, "code", json::string_or(*e, "type"));
      out.message = json::string_or(*e, "message");
    }
  } else {
    out.kind = server_kind::other;
  }
  return {};
}

}  // namespace voxgate::net::ai::openai_realtime
