// Plivo XML answers to the answer_url: connect the call to a bidirectional audio stream, or turn it away
// politely. The stream's URL is the <Stream> element's text, not an attribute.
#pragma once

#include <string>
#include <string_view>

namespace voxgate::net::plivo {

// <Stream bidirectional="true" keepCallAlive="true" audioTrack="inbound" contentType="audio/x-mulaw;rate=8000">
// with `stream_url` (wss://…/plivo/media/<token>, no query) as its text, escaped, no whitespace around it.
std::string stream_answer(std::string_view stream_url);
// Speaks `message` and hangs up: used when the gateway is full or draining.
std::string speak_and_hangup(std::string_view message);

}  // namespace voxgate::net::plivo
