#include "tools/caller_options.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include "tools/sim/caller.hpp"

namespace voxgate::tools {

std::vector<args::option> with_caller_options(std::vector<args::option> options, bool answers_by_api) {
  using args::kind;
  options.push_back({.name = "--provider",
                     .type = kind::text,
                     .help = "which provider to play",
                     .default_value = "twilio",
                     .choices = sim::caller_providers()});
  options.push_back({.name = "--auth-token",
                     .type = kind::text,
                     .value_name = "SECRET",
                     .help = "what the provider signs with, as the gateway knows it: TWILIO_AUTH_TOKEN,\n"
                             "SIGNALWIRE_SIGNING_KEY, PLIVO_AUTH_TOKEN, Exotel's user:password\n"
                             "(EXOTEL_STREAM_AUTH), VONAGE_SIGNATURE_SECRET or AUDIOSOCKET_SECRET;\n"
                             "without it nothing is signed"});
  options.push_back({.name = "--telnyx-private-key",
                     .type = kind::text,
                     .value_name = "PEM",
                     .help = "telnyx: Ed25519 private key file whose public half is the gateway's TELNYX_PUBLIC_KEY"});
  options.push_back({.name = "--media-port",
                     .type = kind::integer,
                     .value_name = "PORT",
                     .help = "audiosocket: the gateway's AUDIOSOCKET_PORT, where media goes over plain TCP\n"
                             "(on the host the gateway is reached at)",
                     .min = 1,
                     .max = 65535});
  if (answers_by_api)
    options.push_back({.name = "--api-port",
                       .type = kind::integer,
                       .value_name = "PORT",
                       .help = "telnyx: where this tool plays the Call Control API",
                       .default_value = "8091",
                       .min = 1,
                       .max = 65535});
  return options;
}

bool read_caller_options(const args::values& a, std::string_view tool, caller_choice& out) {
  out.provider = a.text("--provider");
  out.credential = a.text("--auth-token");
  if (a.given("--api-port")) out.api_port = static_cast<std::uint16_t>(a.integer("--api-port"));
  if (a.given("--media-port")) out.media_port = static_cast<std::uint16_t>(a.integer("--media-port"));
  auto path = a.text("--telnyx-private-key");
  if (path.empty()) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "voxgate " << tool << ": cannot read --telnyx-private-key '" << path << "'\n";
    return false;
  }
  out.credential.assign((std::istreambuf_iterator<char>(in)), {});
  return true;
}

}  // namespace voxgate::tools
