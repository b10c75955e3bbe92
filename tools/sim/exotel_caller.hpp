// Exotel's side of the protocol, for whatever plays Exotel (its faithful fake, the tools): the
// Voicebot applet's request for the stream URL and the messages Exotel sends on the stream, in the
// shapes docs/providers/exotel.md section 5 gives. Pure builders. Counters are strings as the
// Voicebot page spells them, or JSON integers (`integers`) as the stream applet page does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "net/url.hpp"

namespace voxgate::sim::exotel {

constexpr std::string_view simulated_from = "09876543210";
constexpr std::string_view simulated_to = "08047491899";

// The applet's query: CallSid, CallFrom, CallTo, Direction=incoming and the flow's ids.
net::param_list dial_query(std::string_view call_sid, std::string_view from = simulated_from,
                           std::string_view to = simulated_to);
// "wss://user:pw@host/p?q" -> the credentials (percent-decoded) and the URL without them.
std::pair<std::string, std::string> split_user_info(const std::string& url);
// The stream URL's query without sample-rate: what start.custom_parameters carries.
net::param_list custom_parameters(const std::string& stream_url);

std::string number(std::uint64_t n, bool integers);
std::string connected_message();
std::string start_message(std::uint64_t sequence, std::string_view stream_sid, std::string_view call_sid,
                          const net::param_list& custom_parameters, std::uint32_t sample_rate, bool integers,
                          std::string_view from = simulated_from, std::string_view to = simulated_to);
// `pcm`: PCM16 LE at the stream's rate, as it goes out (base64-encoded here).
std::string media_message(std::uint64_t sequence, std::string_view stream_sid, std::uint64_t chunk,
                          std::uint64_t timestamp_ms, std::string_view pcm, bool integers);
std::string dtmf_message(std::uint64_t sequence, std::string_view stream_sid, char digit, unsigned duration_ms,
                         bool integers);
std::string mark_echo(std::uint64_t sequence, std::string_view stream_sid, std::string_view name, bool integers);
std::string stop_message(std::uint64_t sequence, std::string_view stream_sid, std::string_view call_sid,
                         std::string_view reason, bool integers);

}  // namespace voxgate::sim::exotel
