// Plivo's side of the protocol, for the tools that play Plivo (the simulator, the test fakes): the
// answer_url form and the Audio Streaming messages Plivo sends, and its reading of our XML answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/headers.hpp"
#include "net/url.hpp"

namespace voxgate::sim::plivo {

// Not a real account id's shape (an underscore): nothing here can be taken for a credential.
constexpr std::string_view simulated_account_id = "MA_voxgate_simulated";

std::string random_uuid();  // version 4, lowercase

// How Plivo signs a request to `url` (the answer_url's POST, the media socket's GET): V3 and Ma-V3
// (one token plays both accounts here) with a fresh nonce. Nothing without a token.
net::header_list signed_headers(std::string_view auth_token, std::string_view method, const std::string& url,
                                const net::param_list& params);

// CallUUID, From, To (digits, no '+'), Direction=inbound, CallStatus=ringing, and a field the gateway
// does not know (the signature must still cover it).
net::param_list answer_form(std::string_view call_uuid);

std::string start_message(std::uint64_t sequence, std::string_view call_uuid, std::string_view stream_id);
std::string media_message(std::uint64_t sequence, std::string_view stream_id, std::uint64_t chunk,
                          std::uint64_t timestamp_ms, std::string_view raw_mulaw);
std::string dtmf_message(std::uint64_t sequence, std::string_view stream_id, std::string_view digit,
                         std::uint64_t timestamp_ms);
std::string played_stream(std::uint64_t sequence, std::string_view stream_id, std::string_view name);
std::string cleared_audio(std::uint64_t sequence, std::string_view stream_id);
std::string stop_message(std::uint64_t sequence, std::string_view stream_id, std::string_view reason);

// What a <Stream> answer tells Plivo. Nothing when the XML holds no <Stream> (a refusal's <Speak><Hangup/>).
struct stream_instruction {
  std::string url;  // the element's text, trimmed and unescaped
  std::string bidirectional;
  std::string audio_track;
  std::string content_type;
  std::string keep_call_alive;
};
std::optional<stream_instruction> parse_stream_instruction(std::string_view xml);
// Why Plivo would not stream this <Stream> (not bidirectional, another track, a contentType it does
// not know); empty when it would.
std::string refusal(const stream_instruction& stream);

}  // namespace voxgate::sim::plivo
