// Per-provider facts the actors need: the media dialect, and how to hang a call up over REST.
#pragma once

#include <optional>

#include "actors/call_env.hpp"
#include "actors/messages.hpp"
#include "net/media_dialect.hpp"

namespace voxgate::actors {

struct call_record;

const net::media_dialect& dialect_for(provider_kind provider);

// The REST request that ends `call_id`, or nothing when the credentials are not configured
// (closing the media socket then ends the call).
std::optional<net::http_client_request> hangup_request(const call_env& env, provider_kind provider,
                                                       const std::string& call_id);

// Telnyx: answer with the media stream attached (TELNYX_STREAM_MODE=answer), or start streaming on a
// call answered elsewhere (streaming_start). The stream URL carries the call's token in its path.
net::http_client_request telnyx_stream_request(const call_env& env, const call_record& record, bool answer);

}  // namespace voxgate::actors
