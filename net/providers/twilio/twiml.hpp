// TwiML answers: connect the call to a bidirectional stream, or turn it away politely.
// The Stream url never carries a query string (Twilio drops it); per-call data goes in <Parameter>s.
#pragma once

#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::twilio {

// Twilio's documented limit: each <Parameter>'s name plus value must stay under 500 characters.
constexpr std::size_t max_parameter_length = 499;

// `stream_url` must be wss:// with no query. Parameters over the limit are left out (the caller logs).
std::string connect_stream(std::string_view stream_url, const param_list& parameters,
                           std::string_view status_callback = {});
// The <Parameter>s of a call's stream: its CallSid and token, then the webhook's routing parameters.
param_list stream_parameters(const std::string& call_sid, const std::string& token, const param_list& routing);

// Says `message` and rejects/hangs up; used when the gateway is full or draining.
std::string say_and_hangup(std::string_view message);
std::string reject(std::string_view reason /* "busy" or "rejected" */);


}  // namespace voxgate::net::twilio
