#include "tools/probe/health_command.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "tools/args.hpp"
#include "tools/probe/probe_client.hpp"

namespace voxgate::tools {
namespace {

const args::command& health_arguments() {
  static const args::command c{
      .name = "health",
      .usage = {"[--url URL]"},
      .description = "Asks the gateway on this host whether it is alive (GET /healthz), for a container's\n"
                     "HEALTHCHECK: exit status 0 when it answers 200 in time, else 1 with the reason on stderr.",
      .options = {{.name = "--url",
                   .type = args::kind::text,
                   .value_name = "URL",
                   .help = "the health URL (default: http://127.0.0.1:$PORT/healthz, PORT else 8080)"},
                  {.name = "--timeout",
                   .type = args::kind::number,
                   .value_name = "S",
                   .help = "seconds to wait for the answer, connect included",
                   .default_value = "3",
                   .min = 0.1,
                   .max = 60}},
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
  // The probe client's steps block, and Beast has no timeout for blocking calls: the request runs on
  // a thread of its own, and a gateway that accepts and never answers fails the check at the limit
  // (not every container runtime kills a check that outlives its timeout).
  struct outcome {
    int status = 1;
    std::string why;
  };
  auto request = std::make_shared<std::packaged_task<outcome()>>([target = *target, text] {
    probe_client client(target, net::tls_settings{});
    if (auto found = client.resolve(); !found.ok) return outcome{1, found.detail};
    probe_http_response res;
    auto step = client.http("GET", std::string(target.path().empty() ? "/" : target.path()), {}, "", res);
    if (!step.ok) return outcome{1, step.detail};
    if (res.status != 200) return outcome{1, "answered " + std::to_string(res.status) + ": " + res.body.substr(0, 200)};
    return outcome{0, {}};
  });
  auto answer = request->get_future();
  std::thread([request] { (*request)(); }).detach();
  auto limit = std::chrono::duration<double>(given.number("--timeout"));
  if (answer.wait_for(limit) != std::future_status::ready) {
    std::cerr << "voxgate health: " << text << ": no answer within " << limit.count() << " s\n";
    return 1;
  }
  auto result = answer.get();
  if (result.status != 0) std::cerr << "voxgate health: " << text << ": " << result.why << "\n";
  return result.status;
}

}  // namespace voxgate::tools
