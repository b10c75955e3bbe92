// Exotel AgentStream through the Voicebot applet (bidirectional): the applet's https endpoint answers
// each call with a wss URL carrying the call's token, Exotel streams 8 kHz PCM16 over it, and the
// gateway ends a call by closing the socket (the flow's next applet, a Hangup, ends the call).
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::exotel {

providers::descriptor descriptor();

}  // namespace voxgate::net::exotel
