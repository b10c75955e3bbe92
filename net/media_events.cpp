#include "net/media_events.hpp"

namespace voxgate::net {

std::string_view parse_json_frame(std::string& frame, media_event& out, std::string_view sequence_key,
                                  start_reader start, event_reader own) {
  json::insitu_document doc;
  if (auto err = doc.parse(frame); !err.empty()) return err;
  const auto& root = doc.root();
  auto event = json::string_of(root, "event");
  if (!event) return "no event field";
  out = media_event{};
  out.sequence = json::counter_of(root, sequence_key).value_or(0);
  if (*event == "start") {
    out.kind = media_kind::start;
    return start(root, out);
  }
  std::string_view error;
  if (own && own(*event, root, out, error)) return error;
  if (parse_shared_event(*event, root, out, error)) return error;
  out.kind = media_kind::ignored;
  out.text = *event;
  return {};
}

void read_parameters(const json::value& object, std::string_view key, param_list& out) {
  const auto* params = json::member(object, key);
  if (!params || !params->IsObject()) return;
  for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it)
    if (it->value.IsString())
      out.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                       std::string(it->value.GetString(), it->value.GetStringLength()));
}

void append_head(std::string& out, std::string_view event, std::string_view id_key, std::string_view id) {
  out += R"({"event":")";
  out += event;
  out += '"';
  if (id.empty()) return;  // no stream yet: left out rather than sent empty
  out += R"(,")";
  out += id_key;
  out += R"(":)";
  json::append_string(out, id);
}

bool parse_shared_event(std::string_view event, const json::value& root, media_event& out, std::string_view& error) {
  error = {};
  if (event == "media") {
    const auto* media = json::member(root, "media");
    auto payload = media ? json::string_of(*media, "payload") : std::nullopt;
    if (!payload) {
      error = "media without payload";
    } else {
      // Only the caller's audio is bridged; an outbound track (a fork of what the caller hears) is not.
      out.kind = json::string_or(*media, "track", "inbound") == "inbound" ? media_kind::media : media_kind::ignored;
      out.payload = *payload;
      out.chunk = json::counter_of(*media, "chunk").value_or(0);
      out.timestamp_ms = json::counter_of(*media, "timestamp").value_or(0);
    }
  } else if (event == "connected") {
    out.kind = media_kind::connected;
  } else if (event == "mark") {
    const auto* mark = json::member(root, "mark");
    auto name = mark ? json::string_of(*mark, "name") : std::nullopt;
    if (!name) {
      error = "mark without name";
    } else {
      out.kind = media_kind::mark;
      out.text = *name;
    }
  } else if (event == "dtmf") {
    const auto* dtmf = json::member(root, "dtmf");
    auto digit = dtmf ? json::string_of(*dtmf, "digit") : std::nullopt;
    if (!digit || digit->size() != 1) {
      error = "dtmf without a single digit";
    } else {
      out.kind = media_kind::dtmf;
      out.text = *digit;
    }
  } else if (event == "stop") {
    out.kind = media_kind::stop;
  } else {
    return false;
  }
  return true;
}

std::string mark_message(std::string_view id_key, std::string_view id, std::string_view name) {
  std::string out;
  out.reserve(48 + id_key.size() + id.size() + name.size());
  append_head(out, "mark", id_key, id);
  out += R"(,"mark":{"name":)";
  json::append_string(out, name);
  out += "}}";
  return out;
}

std::string event_message(std::string_view event, std::string_view id_key, std::string_view id) {
  std::string out;
  out.reserve(24 + event.size() + id_key.size() + id.size());
  append_head(out, event, id_key, id);
  out += '}';
  return out;
}

}  // namespace voxgate::net
