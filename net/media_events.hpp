// What the JSON media dialects share: how a frame opens (its event and message counter), the events
// Twilio, Telnyx and Exotel spell the same way (media, connected, mark, dtmf, stop), a start's custom
// parameters, and the head of an outbound frame. Anything else (start, error, ...) is the dialect's.
#pragma once

#include <string>
#include <string_view>

#include "net/json.hpp"
#include "net/providers/media_dialect.hpp"

namespace voxgate::net {

// A dialect's `start`, read into out.start; returns a reason when it cannot be served.
using start_reader = std::string_view (*)(const json::value& root, media_event& out);
// A dialect's own events: true when it took `event` (then `error` holds a reason or is empty).
using event_reader = bool (*)(std::string_view event, const json::value& root, media_event& out,
                              std::string_view& error);

// The parse of every JSON dialect: `frame` in place, its event and the counter under `sequence_key`,
// then start (`start`), the dialect's own events (`own`), the shared ones; any other event is counted
// as ignored, never a failure (providers add events without notice). Returns a reason when the frame
// is not such an object or an event is malformed.
std::string_view parse_json_frame(std::string& frame, media_event& out, std::string_view sequence_key,
                                  start_reader start, event_reader own = nullptr);

// Returns true when `event` is one of the shared kinds (then `error` holds a reason or is empty).
bool parse_shared_event(std::string_view event, const json::value& root, media_event& out, std::string_view& error);

// The string members of `object[key]` (a start's customParameters / custom_parameters), appended.
void read_parameters(const json::value& object, std::string_view key, param_list& out);

// Twilio's mark, which Telnyx (no id) and Exotel share: {"event":"mark","<id_key>":"<id>","mark":{"name":...}}.
std::string mark_message(std::string_view id_key, std::string_view id, std::string_view name);
// A frame with nothing but its event and id: {"event":"<event>","<id_key>":"<id>"} (a clear).
std::string event_message(std::string_view event, std::string_view id_key, std::string_view id);

// Opens an outbound frame: {"event":"<event>","<id_key>":"<id>" (the caller adds the rest and the brace).
// An empty id is left out rather than sent empty.
void append_head(std::string& out, std::string_view event, std::string_view id_key, std::string_view id);

}  // namespace voxgate::net
