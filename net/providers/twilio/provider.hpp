// Twilio Programmable Voice with bidirectional Media Streams: the voice webhook answered with TwiML
// <Connect><Stream>, X-Twilio-Signature on the webhook and on the media socket's upgrade, REST hang-up.
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::twilio {

providers::descriptor descriptor();

}  // namespace voxgate::net::twilio
