// `voxgate probe`: walks the public path exactly as a provider would, one step at a time, and says
// for each step whether it worked, how long it took, and on failure the likely cause and the fix.
// The walk is probe.cpp; the command line probe_command.cpp.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "net/headers.hpp"
#include "tools/args.hpp"

namespace voxgate::tools {

struct probe_options {
  std::string public_url;           // what the provider is told to call (https://host)
  std::string provider = "twilio";  // any with a caller (tools/sim/callers.cpp)
  std::string credential;           // what the provider signs with (sim::caller_settings); empty: unsigned
  std::string connect_to;           // host:port to connect to instead of the URL's (tests, split DNS)
  std::uint16_t media_port = 0;     // the gateway's raw TCP media port (AudioSocket), on that host; 0: none
  std::string ca_file;              // extra trusted CA
  double seconds = 3;               // of media to send after start
  bool insecure_local = false;      // accept http/ws (a local gateway); Twilio itself never would
};

struct probe_line {
  std::string step;
  bool ok = false;
  std::chrono::milliseconds took{0};
  std::string detail;
  std::string hint;  // on failure: the likely cause and the fix
};

struct probe_report {
  std::vector<probe_line> lines;
  bool ok() const;
  const probe_line* find(const std::string& step) const;
};

probe_report run_probe(const probe_options& options);
std::string render(const probe_report& report);

// How the gateway derives its public URL from a request with these headers (and PUBLIC_URL if set).
std::string explain_public_url(const std::string& public_url_env, const net::header_list& headers);

// What `voxgate probe` accepts, declared once for parsing and --help.
const args::command& probe_arguments();
int probe_command(int argc, char** argv);

}  // namespace voxgate::tools
