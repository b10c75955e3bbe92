#include "app/health_command.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

#include "app/args.hpp"
#include "net/probe_client.hpp"

namespace voxgate::app {
namespace {

const args::command& health_arguments() {
  static const args::command c{
      .name = "health",
      .usage = {"[--url URL]"},
      .description = "Asks the gateway on this host whether it is alive (GET /healthz), for a container's\n"
                     "HEALTHCHECK: exit status 0 when it answers 200, else 1 with the reason on stderr.\n"
                     "The container runtime's own timeout bounds a gateway that does not answer.",
      .options = {{.name = "--url",
                   .type = args::kind::text,
                   .value_name = "URL",
                   .help = "the health URL (default: http://127.0.0.1:$PORT/healthz, PORT else 8080)"}},
  };
  return c;
}

std::string default_url() {
  const char* port = std::getenv("PORT");
  return std::string("http://127.0.0.1:") + (port && *port ? port : "8080") + "/healthz";
}

}  // namespace

int health_command(int argc, char** argv) {
  args::values given;
  if (auto status = args::read(health_arguments(), argc, argv, given)) return *status;
  std::string text = given.given("--url") ? given.text("--url") : default_url();
  auto target = net::parse_url(text);
  if (!target) {
    std::cerr << "voxgate health: not a URL: " << text << "\n";
    return 2;
  }
  net::probe_client client(*target, net::tls_settings{});
  if (auto found = client.resolve(); !found.ok) {
    std::cerr << "voxgate health: " << text << ": " << found.detail << "\n";
    return 1;
  }
  net::probe_http_response res;
  auto step = client.http("GET", std::string(target->path().empty() ? "/" : target->path()), {}, "", res);
  if (!step.ok) {
    std::cerr << "voxgate health: " << text << ": " << step.detail << "\n";
    return 1;
  }
  if (res.status != 200) {
    std::cerr << "voxgate health: " << text << " answered " << res.status << ": " << res.body.substr(0, 200) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace voxgate::app
