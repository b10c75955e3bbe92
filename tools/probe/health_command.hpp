// `voxgate health`: the container's health check, with nothing in the image but the binary.
#pragma once

namespace voxgate::tools {

// GET /healthz from the gateway on this host (127.0.0.1, port PORT or 8080, or --url): exit status 0
// on a 200, else 1 with one line on stderr naming what failed (connect, status, body).
int health_command(int argc, char** argv);

}  // namespace voxgate::tools
