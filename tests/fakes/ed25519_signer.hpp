// The tests sign Telnyx webhooks with the same key type the tools use.
#pragma once

#include "net/providers/telnyx/caller.hpp"

namespace voxgate::fakes {
using ed25519_signer = net::telnyx::signing_key;
}  // namespace voxgate::fakes
