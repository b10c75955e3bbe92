// `voxgate load`: many concurrent simulated calls against a gateway, with a progress line on a
// terminal and a summary (human or --json) of latency by audio position, losses, and the gateway's
// CPU per call-minute and memory per call when given its PID.
#pragma once

#include <string>

#include "tools/args.hpp"
#include "tools/load/load_calls.hpp"

namespace voxgate::tools {

std::string load_summary_json(const load_options& options, const load_report& report);
// Whether a run passed: every call connected and completed, and all its audio came back, unchanged.
bool load_passed(const load_report& report);
// What most likely went wrong when most of the audio did not come back as sent ("" otherwise).
std::string load_hint(const load_report& report);

// What `voxgate load` accepts, declared once for parsing and --help.
const args::command& load_arguments();
int load_command(int argc, char** argv);

}  // namespace voxgate::tools
