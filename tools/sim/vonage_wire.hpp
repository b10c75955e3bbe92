// What the simulated Vonage writes and reads, apart from the call that uses it: its webhook tokens (good
// and bad), the NCCO read as Vonage reads it, its event bodies, and the application token its REST API
// checks. Pure, so the call in tools/sim/vonage stays about the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "net/http_client.hpp"
#include "net/url.hpp"

namespace voxgate::sim::vonage {

enum class signing { valid, tampered, none, wrong_secret, alg_none, stale };

// A fresh RSA key pair in PEM (private, public): an application's key, made at run time for a test.
std::pair<std::string, std::string> generate_key_pair();

// The Authorization value Vonage sends with a webhook whose payload is `payload` (a POST's body, a
// GET's query as compact JSON): "Bearer <HS256 JWT>", or a bad one as `how` asks; "" when unsigned.
std::string webhook_authorization(const std::string& secret, const std::string& api_key,
                                  const std::string& application_id, const std::string& payload, signing how);
// A GET's payload: its parameters as a compact JSON object, in order.
std::string query_payload(const net::param_list& params);

// An answer's NCCO, validated as Vonage does (an invalid one drops the call).
struct ncco {
  std::string error;          // empty when Vonage would run it
  bool connects = false;      // a connect action to a websocket (else: talk only, say)
  std::string endpoint_json;  // the endpoint object, compact
  std::string uri;
  std::string content_type;
  std::string headers_json = "{}";
  std::string event_url;  // the first eventUrl, or empty
  std::size_t frame_bytes = 640;
};
ncco read_ncco(const net::http_client_response& answer);

// The text frames Vonage sends on the socket: websocket:connected (the content-type, the NCCO's headers
// flattened beside it; `headers_json` a JSON object), a key press, a notify's payload (JSON) echoed once
// the audio before it has played, and the answer to a clear.
std::string connected_message(const std::string& content_type, const std::string& headers_json);
std::string dtmf_message(char digit);
std::string notify_message(const std::string& payload_json);
std::string cleared_message();

// An event webhook's body for a leg: the caller's (`ws_uri` empty) or the websocket's (with the headers).
std::string event_json(const std::string& leg_uuid, const std::string& call_uuid, const std::string& status,
                       const std::string& ws_uri = {}, const std::string& headers_json = {});

// Whether a REST request's Authorization is a valid RS256 application token for `application_id`.
bool application_token_ok(const std::string& public_key_pem, const std::string& application_id,
                          std::string_view authorization, std::int64_t unix_now);

}  // namespace voxgate::sim::vonage
