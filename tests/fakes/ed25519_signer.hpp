// The tests sign Telnyx webhooks with the same key type the tools use.
#pragma once

#include "tools/sim/telnyx_caller.hpp"

namespace voxgate::fakes {
using ed25519_signer = sim::telnyx::signing_key;
}  // namespace voxgate::fakes
