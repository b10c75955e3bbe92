// voxgate: the command-line front. `serve` runs the gateway; `version` prints the version.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "actors/metrics.hpp"
#include "app/config.hpp"
#include "app/gateway.hpp"
#include "net/process_usage.hpp"
#include "tools/args.hpp"
#include "tools/load/load_command.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/probe/health_command.hpp"
#include "tools/probe/probe.hpp"

namespace {

constexpr std::string_view version = voxgate::app::build_version;

int usage(std::ostream& out, int code) {
  out << "voxgate " << version
      << ": phone calls to realtime voice AI.\n\n"
         "usage: voxgate <command> [--help]\n\n"
         "commands:\n"
         "  serve     run the gateway (configuration from the environment)\n"
         "  probe     test the public path end to end, as the provider would (see probe --help)\n"
         "  call      place one simulated call and hear it (see call --help)\n"
         "  load      many concurrent simulated calls: latency, losses, CPU and memory per call (see load --help)\n"
         "  health    exit 0 if the gateway on this host answers /healthz (a container's health check)\n"
         "  version   print the version\n";
  return code;
}

// The banner is for a person at a terminal: it goes to stderr, so that stdout carries only log lines
// (pure JSON lines with LOG_FORMAT=json).
void print_urls(const voxgate::app::config& c, const voxgate::app::gateway& gw) {
  std::string base = c.public_url.empty() ? "http://localhost:" + std::to_string(gw.port()) : c.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string ws = base.rfind("https://", 0) == 0 ? "wss://" + base.substr(8) : "ws://" + base.substr(base.find("://") + 3);
  auto& out = std::cerr;
  out << "\nVoxGate is up.\n";
  if (c.public_url.empty()) {
    out << "  PUBLIC_URL is not set, so these are local URLs: no provider can reach localhost.\n"
           "  Give the gateway a public https URL (your host, or a tunnel to this port) and restart, e.g.\n"
           "      PUBLIC_URL=https://your-tunnel.example.com make run\n"
           "  Then paste your provider's webhook URL below into its console. Locally, `voxgate call` places\n"
           "  a simulated call right now.\n";
  }
  voxgate::net::public_base urls{base, ws, ""};
  for (const auto& p : gw.providers().all())
    for (const auto& line : p->endpoints(urls)) out << "  " << line << "\n";
  out << "  Operators: " << base << "/metrics  " << base << "/healthz  " << base << "/calls "
      << (c.ops_token.empty() ? "(refused until OPS_TOKEN is set)" : "(Authorization: Bearer $OPS_TOKEN)") << "\n"
      << std::endl;
}

const voxgate::tools::args::command& serve_command() {
  static const voxgate::tools::args::command c{
      "serve",
      {""},
      "Runs the gateway. Its configuration comes from the environment, every setting checked at start.\n\n" +
          voxgate::app::config_help(),
      "",
      {{"--settings-markdown", 0, voxgate::tools::args::kind::flag, "", "print the settings as the README's Markdown table"},
       {"--metrics-markdown", 0, voxgate::tools::args::kind::flag, "", "print the metrics as the README's Markdown table"}}};
  return c;
}

int serve(int argc, char** argv) {
  voxgate::tools::args::values given;
  if (auto status = voxgate::tools::args::read(serve_command(), argc, argv, given)) return *status;
  if (given.flag("--settings-markdown")) {
    std::cout << voxgate::app::config_markdown();
    return 0;
  }
  if (given.flag("--metrics-markdown")) {
    std::cout << voxgate::actors::metrics_registry().markdown();
    return 0;
  }
  voxgate::app::config c;
  auto errors = voxgate::app::load_config(c, [](const char* n) { return std::getenv(n); });
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << "voxgate serve: configuration error: " << e << "\n";
    return 2;
  }
  voxgate::app::setup_logging(c);
  // Each call holds two sockets (provider and AI): the usual soft limit of 1,024 would cap a box at ~500 calls.
  spdlog::info("file descriptor limit {}", voxgate::net::raise_fd_limit());

  // Signals are taken by sigwait below; block them before any thread starts so none inherits them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    voxgate::app::gateway gw(c);
    if (auto err = gw.start(); !err.empty()) {
      spdlog::error("{}", err);
      return 1;
    }
    print_urls(c, gw);
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: draining (up to {} s); /readyz now answers 503", sig, c.drain_timeout_s);
    auto left = gw.drain(std::chrono::seconds(c.drain_timeout_s));
    if (left > 0) spdlog::warn("drain timeout: ending {} live calls", left);
    gw.stop();
    spdlog::info("stopped");
  } catch (const std::exception& e) {
    spdlog::error("voxgate: {}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(std::cerr, 2);
  std::string_view cmd = argv[1];
  if (cmd == "serve") return serve(argc, argv);
  if (cmd == "probe") return voxgate::tools::probe_command(argc, argv);
  if (cmd == "call") return voxgate::tools::call_command(argc, argv);
  if (cmd == "load") return voxgate::tools::load_command(argc, argv);
  if (cmd == "health") return voxgate::tools::health_command(argc, argv);
  if ((cmd == "version" || cmd == "--version") && argc > 2) {
    std::cerr << "voxgate version: takes no arguments, got '" << argv[2] << "'\n";
    return 2;
  }
  if (cmd == "version" || cmd == "--version") {
    std::cout << "voxgate " << version << "\n";
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") return usage(std::cout, 0);
  std::cerr << "voxgate: unknown command '" << cmd << "'\n";
  return usage(std::cerr, 2);
}
