// The dialplan's request that starts an AudioSocket call (GET query or POST form: from, to, and the
// routing parameters), and its credential: the shared secret as a bearer token, which a dialplan's
// CURL sends with Set(CURLOPT(httpheader)=Authorization: Bearer <secret>). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::audiosocket {

struct voice_request {
  std::string from;
  std::string to;
  param_list routing;  // every other parameter: the call's routing data
};

// The parameters of the query (GET) or of the form body (POST); nothing and `why` when unreadable.
std::optional<voice_request> parse_voice_request(std::string_view method, std::string_view query, std::string_view body,
                                                 std::string* why);

enum class bearer_check : std::uint8_t { ok, missing, mismatch };
// The request's Authorization header against `secret`, in constant time.
bearer_check check_bearer(std::string_view secret, std::string_view authorization);

}  // namespace voxgate::net::audiosocket
