// The random ids providers give calls and streams, made once for every provider's side: hex after a
// prefix (Twilio's CA…/MZ…, Telnyx's made-up ids) and version-4 UUIDs (SignalWire's, Plivo's).
#pragma once

#include <string>
#include <string_view>

namespace voxgate::sim {

std::string random_hex_id(std::string_view prefix);  // `prefix` + 32 random hex digits
std::string random_uuid();                           // version 4, lower case

}  // namespace voxgate::sim
