// Twilio's side of the protocol, for the tools that play Twilio (voxgate probe, voxgate call, the
// test fakes): the voice webhook form and the media-stream messages Twilio sends. Pure builders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::sim::twilio {

// Deliberately not a real Account SID shape (not hex): nothing here can be mistaken for a credential.
constexpr std::string_view simulated_account_sid = "AC_voxgate_simulated";

// "CA" / "MZ" + 32 random hex digits.
std::string random_sid(std::string_view prefix);

net::param_list voice_webhook_form(std::string_view call_sid);

std::string connected_message();
// `custom_parameters` become start.customParameters, as the TwiML's <Parameter>s do.
std::string start_message(std::string_view stream_sid, std::string_view call_sid, const net::param_list& custom_parameters);
std::string media_message(std::string_view stream_sid, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view raw_mulaw);
// The same message with the payload already base64-encoded, appended to `out` (no allocation once
// `out` has grown): for tools sending thousands of frames a second.
void append_media_message(std::string& out, std::string_view stream_sid, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view payload_base64);
std::string mark_echo(std::string_view stream_sid, std::string_view name);
std::string dtmf_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view digit);
std::string stop_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view call_sid);

// What a <Connect><Stream> TwiML answer tells Twilio: the stream url and its <Parameter>s.
struct stream_instruction {
  std::string url;
  net::param_list parameters;
};
// Nothing when the TwiML holds no <Stream> (the gateway refused the call, e.g. with <Say><Hangup/>).
std::optional<stream_instruction> parse_stream_instruction(std::string_view twiml);
std::string unescape_xml(std::string_view text);  // the five predefined entities

}  // namespace voxgate::sim::twilio
