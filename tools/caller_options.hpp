// What every command that plays a provider takes (`voxgate probe|call|load`): which provider (any
// with a caller in tools/sim/callers.cpp), the secret it signs with, and for Telnyx where this tool
// plays the Call Control API. Declared once, so the three commands say the same thing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/args.hpp"

namespace voxgate::tools {

struct caller_choice {
  std::string provider = "twilio";
  // --auth-token (Twilio's auth token, SignalWire's signing key, Plivo's auth token, Exotel's
  // user:password), or the PEM of --telnyx-private-key's file. Empty: nothing is signed.
  std::string credential;
  std::uint16_t api_port = 8091;  // --api-port, where Telnyx's answers arrive
  std::uint16_t media_port = 0;   // --media-port, the gateway's raw TCP media port (AUDIOSOCKET_PORT); 0: none
};

// A command's own options, then --provider, --auth-token, --telnyx-private-key, --media-port and (with
// `answers_by_api`) --api-port.
std::vector<args::option> with_caller_options(std::vector<args::option> options, bool answers_by_api = true);
// Reads them. False, with a line on stderr that names `tool`, when the key file cannot be read.
bool read_caller_options(const args::values& a, std::string_view tool, caller_choice& out);

}  // namespace voxgate::tools
