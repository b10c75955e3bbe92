// The NCCOs the gateway answers Vonage's answer webhook with: connect to one websocket endpoint (the
// call's media socket, its token in the path), or, for a call refused, a talk that ends the call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::vonage {

// Vonage's bound on an endpoint's headers (serialized JSON).
inline constexpr std::size_t max_headers_bytes = 512;

struct connect_endpoint {
  std::string uri;  // wss://<public base>/vonage/media/<token>
  std::uint32_t rate = 16000;
  std::string call_uuid;  // echoed in websocket:connected
  std::string from;       // also echoed, when the headers stay within their bound
  std::string to;
  std::string event_url;  // https://<public base>/vonage/events
};

// [{"action":"connect","eventType":"synchronous","eventUrl":[...],"endpoint":[{"type":"websocket",...}]}]
std::string connect_ncco(const connect_endpoint& e);
// [{"action":"talk","text":...}]: the caller hears it, then the call completes (no action follows).
std::string talk_ncco(std::string_view text);

}  // namespace voxgate::net::vonage
