// SignalWire's Compatibility API (cXML, "LaML") with a bidirectional <Connect><Stream>: the voice
// webhook answered with cXML, X-SignalWire-Signature (Twilio's algorithm, the Signing Key) on every
// request SignalWire posts, Twilio's media-stream frames, and the Compatibility REST hang-up. The
// cXML and the frames are net::twilio's, composed rather than copied. Wire facts:
// docs/providers/signalwire.md.
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::signalwire {

providers::descriptor descriptor();

}  // namespace voxgate::net::signalwire
