// Vonage's webhooks, parsed into typed values: the answer webhook (GET query, or a POST JSON body with
// the same keys) and the event webhook (POST JSON), whose statuses end calls. The payload hashes a
// signed webhook's token may carry are computed here too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_types.hpp"
#include "net/url.hpp"

namespace voxgate::net::vonage {

struct answer_webhook {
  std::string uuid;  // this leg: the call's id, and what the REST hang-up names
  std::string conversation_uuid;
  std::string from;
  std::string to;
  param_list routing;  // the answer URL's own query parameters (Vonage's fields taken out)
};

struct event_webhook {
  std::string uuid;
  std::string status;            // started, ringing, answered, completed, disconnected, failed, ...
  std::string call_uuid_header;  // the websocket leg's NCCO header naming our call (empty on the caller's leg)
};

// A uuid the gateway puts in a REST path and a media token: 1 to 64 letters, digits and dashes.
bool is_uuid(std::string_view s);

std::optional<answer_webhook> parse_answer(const http_request& req, std::string* why);
std::optional<event_webhook> parse_event(std::string_view body, std::string* why);

// What a signed webhook's payload_hash may be: for a POST the body's SHA-256, then that of its compact
// re-serialization; for a GET that of the query as a compact JSON object, keys in order.
std::vector<std::string> payload_hashes(const http_request& req);

}  // namespace voxgate::net::vonage
