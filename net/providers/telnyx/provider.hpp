// Telnyx Call Control with media streaming: Ed25519-signed JSON webhooks, the call answered (or its
// stream started) over REST with the call's token in the stream URL, and the token checked again at
// the upgrade (its path and the x-telnyx-streaming-auth-token header).
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::telnyx {

providers::descriptor descriptor();

}  // namespace voxgate::net::telnyx
