// The media-stream events Twilio and Telnyx spell the same way (media, connected, mark, dtmf, stop),
// parsed once for both dialects. Anything else (start, error, ...) is left to the dialect.
#pragma once

#include <string_view>

#include "net/json.hpp"
#include "net/providers/media_dialect.hpp"

namespace voxgate::net {

// Returns true when `event` is one of the shared kinds (then `error` holds a reason or is empty).
bool parse_shared_event(std::string_view event, const json::value& root, media_event& out, std::string_view& error);

}  // namespace voxgate::net
