// `voxgate load`: many concurrent simulated calls against a gateway, with a progress line on a
// terminal and a summary (human or --json) of latency by audio position, losses, and the gateway's
// CPU per call-minute and memory per call when given its PID.
#pragma once

#include <string>

#include "app/load_calls.hpp"

namespace voxgate::app {

std::string load_summary_json(const load_options& options, const load_report& report);
int load_command(int argc, char** argv);

}  // namespace voxgate::app
