// Operator endpoints: liveness, readiness (false while draining), Prometheus metrics, live calls.
#include <unistd.h>
#include <fstream>
#include <sstream>

#include "app/ask.hpp"
#include "app/gateway.hpp"

namespace voxgate::app {

namespace {

// Process CPU seconds and resident memory, from /proc (Linux).
std::string process_metrics() {
  std::string out;
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    auto close = line.rfind(')');
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoul(field);
      if (i == 15) stime = std::stoul(field);
    }
    double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    out += "# TYPE voxgate_process_cpu_seconds_total counter\n";
    out += "voxgate_process_cpu_seconds_total " + std::to_string((utime + stime) / ticks) + "\n";
  }
  std::ifstream status("/proc/self/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream in(line.substr(6));
      unsigned long kb = 0;
      in >> kb;
      out += "# TYPE voxgate_process_resident_memory_bytes gauge\n";
      out += "voxgate_process_resident_memory_bytes " + std::to_string(kb * 1024) + "\n";
    }
  }
  return out;
}

}  // namespace

void gateway::add_ops_routes() {
  server_->route("GET", "/healthz",
                 [](net::http_request, net::responder respond) { respond(net::http_response::text(200, "ok\n")); });
  server_->route("GET", "/readyz", [this](net::http_request, net::responder respond) {
    respond(draining_ ? net::http_response::text(503, "draining\n") : net::http_response::text(200, "ready\n"));
  });
  server_->route("GET", "/metrics", [this](net::http_request, net::responder respond) {
    net::http_response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_.render() + process_metrics();
    respond(std::move(r));
  });
  server_->route("GET", "/calls", [this](net::http_request, net::responder respond) {
    ask<std::string>(
        *system_, supervisor_, std::chrono::seconds(2),
        [respond](std::string json) {
          net::http_response r;
          r.content_type = "application/json";
          r.body = std::move(json);
          respond(std::move(r));
        },
        [respond](std::string error) { respond(net::http_response::text(503, error + "\n")); },
        actors::calls_atom::value);
  });
  server_->route("GET", "/", [this](net::http_request req, net::responder respond) {
    auto base = public_base_for(req.headers);
    respond(net::http_response::text(200,
                                     "VoxGate: phone calls to realtime voice AI.\n"
                                     "Twilio voice webhook (POST): " +
                                         base.http_url("/twilio/voice") +
                                         "\n"
                                         "Twilio media stream:         " +
                                         base.ws_url("/twilio/media") +
                                         "\n"
                                         "Telnyx webhook (POST):       " +
                                         base.http_url("/telnyx/webhook") +
                                         "\n"
                                         "Telnyx media stream:         " +
                                         base.ws_url("/telnyx/media/<per-call token>") +
                                         "\n"
                                         "Operators: /healthz /readyz /metrics /calls\n"));
  });
}

}  // namespace voxgate::app
