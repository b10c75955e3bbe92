// Vonage Voice API: the answer webhook is answered with an NCCO connecting the call to the gateway's
// WebSocket (the call's token in its path), Vonage streams 16-bit linear PCM in binary 20 ms frames,
// webhooks carry an HS256 JWT, and the gateway hangs up with a PUT signed by the application's RS256 key.
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::vonage {

providers::descriptor descriptor();

}  // namespace voxgate::net::vonage
