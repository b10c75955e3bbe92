// Asterisk AudioSocket: the dialplan CURLs /audiosocket/voice (the call is born there, its AI session
// opens while the PBX connects) and gets the call's fresh UUID; AudioSocket(<uuid>,gw:port) then dials
// the gateway's raw TCP listener, whose first frame names that UUID. Paced by the gateway (no marks).
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::audiosocket {

providers::descriptor descriptor();

}  // namespace voxgate::net::audiosocket
