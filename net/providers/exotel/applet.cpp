#include "net/providers/exotel/applet.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "net/json.hpp"

namespace voxgate::net::exotel {
namespace {

// Exotel's call details on its applets' requests (Passthru, Connect's dynamic URL): a user's own
// parameter of one of these names would be shadowed anyway. Bracketed forms (Stream[Status],
// Legs[0][Number]) are matched by the name before the bracket.
// clang-format off
constexpr std::array<std::string_view, 24> exotel_fields = {
    "CallSid", "CallFrom", "CallTo", "CallStatus", "Direction", "Created", "DialCallDuration", "DialCallStatus",
    "StartTime", "EndTime", "CurrentTime", "CallType", "DialWhomNumber", "From", "To", "digits", "RecordingUrl",
    "flow_id", "tenant_id", "ForwardedFrom", "CustomField", "OutgoingPhoneNumber", "Legs", "Stream"};
// clang-format on

// CallSid goes into the call's token and the stream URL's path: only characters that need no escaping.
bool usable_call_sid(std::string_view s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

}  // namespace

bool is_exotel_field(std::string_view name) {
  name = name.substr(0, name.find('['));
  return std::find(exotel_fields.begin(), exotel_fields.end(), name) != exotel_fields.end();
}

std::optional<applet_request> parse_applet_request(std::string_view query, std::string* why) {
  auto params = parse_form(query);
  if (!params) {
    if (why) *why = "the query string is not URL-encoded";
    return std::nullopt;
  }
  auto get = [&](std::string_view k) { return param_value(*params, k); };
  applet_request r;
  r.call_sid = get("CallSid");
  if (!usable_call_sid(r.call_sid)) {
    if (why) *why = "missing or malformed CallSid in the query string (is this Exotel's Voicebot applet?)";
    return std::nullopt;
  }
  // Exotel's applets send CallFrom/CallTo; Passthru's older table says From/To.
  r.from = get("CallFrom");
  if (r.from.empty()) r.from = get("From");
  r.to = get("CallTo");
  if (r.to.empty()) r.to = get("To");
  for (auto& p : *params)
    if (!is_exotel_field(p.first)) r.routing.push_back(std::move(p));
  return r;
}

std::string stream_url(std::string_view media_base, std::string_view token, std::string_view credentials,
                       std::uint32_t rate) {
  std::string url;
  auto authority = media_base.find("://");
  if (credentials.empty() || authority == std::string_view::npos) {
    url = media_base;
  } else {
    url = media_base.substr(0, authority + 3);
    url += credentials;
    url += '@';
    url += media_base.substr(authority + 3);
  }
  url += token;
  url += "?sample-rate=";
  url += std::to_string(rate);
  return url;
}

std::string applet_answer(std::string_view url) { return R"({"url":)" + json::quote(url) + "}"; }

}  // namespace voxgate::net::exotel
