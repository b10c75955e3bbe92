#include "net/media_events.hpp"

namespace voxgate::net {

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

}  // namespace voxgate::net
