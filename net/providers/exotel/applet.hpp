// The Voicebot applet's https endpoint: per call, Exotel asks it where to stream, and it answers
// {"url":"wss://..."}. Exotel documents the answer, not the request: it is read the way Exotel's other
// dynamic-URL applets send theirs (a GET with CallSid, CallFrom, CallTo, ... in the query string).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::exotel {

struct applet_request {
  std::string call_sid;
  std::string from;
  std::string to;
  param_list routing;  // the query's other parameters (the URL written in the applet): the call's routing data
};

// Reads the request's query string; nothing and `why` when it carries no usable CallSid.
std::optional<applet_request> parse_applet_request(std::string_view query, std::string* why);
// Whether `name` is a field Exotel adds to its applets' requests (CallSid, CallFrom, Stream[Status], ...),
// as opposed to a parameter of the URL the user wrote.
bool is_exotel_field(std::string_view name);

// The socket Exotel is to open: `media_base` (wss://host/exotel/media/) + token, at `rate`; with
// `credentials` ("user:password", URL-safe) as the URL's user info, which Exotel sends as Basic auth.
std::string stream_url(std::string_view media_base, std::string_view token, std::string_view credentials,
                       std::uint32_t rate);
// {"url":"<url>"}
std::string applet_answer(std::string_view url);

}  // namespace voxgate::net::exotel
