#include "net/ai/openai_live/server_events.hpp"

#include "net/json.hpp"

namespace voxgate::net::ai::openai_live {
namespace {

double seconds_in(const json::value& parent) {
  const auto* usage = json::member(parent, "usage");
  if (!usage || !usage->IsObject()) return 0;
  const auto* s = json::member(*usage, "seconds");
  return s && s->IsNumber() && s->GetDouble() >= 0 ? s->GetDouble() : 0;
}

// response.event: only a completed function call needs us; everything else the backend streams is
// the model's business ("completed" leaves out calls that were cut short).
std::string_view parse_response_event(const json::value& root, server_event& out) {
  const auto* ev = json::member(root, "event");
  if (!ev || !ev->IsObject()) return "response.event without event";
  if (json::string_or(*ev, "type") != "response.output_item.done") return {};
  const auto* item = json::member(*ev, "item");
  if (!item || !item->IsObject() || json::string_or(*item, "type") != "function_call") return {};
  if (json::string_or(*item, "status", "completed") != "completed") return {};
  out.call_id = json::string_or(*item, "call_id");
  out.name = json::string_or(*item, "name");
  out.arguments = json::string_or(*item, "arguments", "{}");
  if (out.call_id.empty() || out.name.empty()) return "function call without call_id or name";
  out.kind = server_kind::function_call;
  return {};
}

}  // namespace

std::string_view parse_server_event(std::string& text, server_event& out) {
  json::insitu_document doc;
  if (auto err = doc.parse(text); !err.empty()) return err;
  const auto& root = doc.root();
  auto type = json::string_of(root, "type");
  if (!type) return "no type field";
  out = server_event{};
  out.type = *type;
  if (*type == "session.output_audio.delta") {
    auto delta = json::string_of(root, "delta");
    if (!delta) return "audio delta without delta";
    out.kind = server_kind::audio_delta;
    out.delta = *delta;
  } else if (*type == "session.input_transcript.delta" || *type == "session.output_transcript.delta") {
    out.kind = (*type)[8] == 'i' ? server_kind::input_transcript : server_kind::output_transcript;
    out.delta = json::string_or(root, "delta");
  } else if (*type == "session.started") {
    out.kind = server_kind::session_started;
    if (const auto* s = json::member(root, "session"); s && s->IsObject()) {
      out.session_id = json::string_or(*s, "id");
      out.expires_at = static_cast<std::int64_t>(json::counter_of(*s, "expires_at").value_or(0));
    }
  } else if (*type == "session.delegation.created") {
    const auto* d = json::member(root, "delegation");
    if (!d || !d->IsObject()) return "delegation.created without delegation";
    out.delegation_id = json::string_or(*d, "id");
    out.target = json::string_or(*d, "target", "client");
    if (out.delegation_id.empty()) return "delegation without id";
    out.kind = server_kind::delegation;
  } else if (*type == "response.event") {
    out.delegation_id = json::string_or(root, "delegation_id");
    return parse_response_event(root, out);
  } else if (*type == "session.usage.updated") {
    out.kind = server_kind::usage;
    out.usage_seconds = seconds_in(root);
  } else if (*type == "session.closed") {
    out.kind = server_kind::closed;
    out.reason = json::string_or(root, "reason");
    out.usage_seconds = seconds_in(root);
  } else if (*type == "error") {
    out.kind = server_kind::error;
    if (const auto* e = json::member(root, "error"); e && e->IsObject()) {
      out.error_code = json::string_or(*e, "code", json::string_or(*e, "type"));
      out.message = json::string_or(*e, "message");
      out.param = json::string_or(*e, "param");
    }
  } else {
    if (*type == "info") out.message = json::string_or(root, "message");
    out.kind = server_kind::other;
  }
  return {};
}

}  // namespace voxgate::net::ai::openai_live
