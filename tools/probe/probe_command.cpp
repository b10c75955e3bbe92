// `voxgate probe`'s command line (tools/probe/probe.hpp): its options, declared once for parsing and
// --help, and --explain, which says how the gateway derives its public URL from a request's headers.
#include <iostream>

#include "net/providers/registry.hpp"
#include "net/public_url.hpp"
#include "tools/caller_options.hpp"
#include "tools/probe/probe.hpp"

namespace voxgate::tools {

namespace {

// Where each provider is pointed under `base`, as the gateway's front page lists it.
void append_endpoints(std::string& out, const net::public_base& base) {
  const net::providers::set providers(net::setting_values{});
  for (const auto& p : providers.all())
    for (const auto& line : p->endpoints(base)) out += "  " + line + "\n";
}

}  // namespace

std::string explain_public_url(const std::string& public_url_env, const net::header_list& headers) {
  std::string out;
  if (!public_url_env.empty()) {
    std::string why;
    auto base = net::public_base_from_config(public_url_env, &why);
    if (!base) return "PUBLIC_URL=" + public_url_env + " is refused: " + why + "\n";
    out += "PUBLIC_URL is set, so request headers do not matter:\n";
    append_endpoints(out, *base);
    return out;
  }
  auto base = net::derive_public_base(headers, false);
  out += "PUBLIC_URL is not set; for these headers the gateway uses " + base.http + "\n";
  out += "  how: " + base.how + "\n";
  append_endpoints(out, base);
  if (base.ws.rfind("wss://", 0) != 0)
    out +=
        "  warning: the stream URLs are not wss://, which the cloud providers refuse; the proxy must send "
        "X-Forwarded-Proto: https, or set PUBLIC_URL\n";
  return out;
}

const args::command& probe_arguments() {
  using args::kind;
  static const args::command c{
      .name = "probe",
      .usage = {"PUBLIC_URL [options]", "--explain [-H 'Name: value']..."},
      .description =
          "Walks the public path as the provider would: DNS, TCP, TLS, signed webhook, its answer, media url\n"
          "checks, WebSocket upgrade, start and media, audio back, stop. One line per step; on failure the\n"
          "likely cause and the fix. Exit status 0 only when every step passed.\n"
          "Telnyx answers through its Call Control API, which only Telnyx receives: for it the probe checks\n"
          "the signed webhook and that a media upgrade reaches the gateway (media end to end is `voxgate call`'s).",
      .positional = "PUBLIC_URL",
      .options = with_caller_options(
          {
              {.name = "--connect",
               .type = kind::text,
               .value_name = "HOST:PORT",
               .help = "connect here instead of the URL's host (the name is still used for TLS)"},
              {.name = "--ca-file",
               .type = kind::text,
               .value_name = "PEM",
               .help = "also trust this CA certificate (a privately signed gateway)"},
              {.name = "--seconds",
               .type = kind::number,
               .value_name = "S",
               .help = "of media to stream after start",
               .default_value = "3",
               .min = 0.1,
               .max = 3600},
              {.name = "--insecure-local", .help = "accept http/ws, for a gateway on this machine (no provider would)"},
              {.name = "--explain",
               .help = "print how the gateway derives its public URL from request headers (-H) and PUBLIC_URL"},
              {.name = "--header",
               .short_name = 'H',
               .type = kind::texts,
               .value_name = "'NAME: VALUE'",
               .help = "a request header for --explain (repeatable)"},
          },
          false)};
  return c;
}

int probe_command(int argc, char** argv) {
  args::values a;
  if (auto status = args::read(probe_arguments(), argc, argv, a)) return *status;
  if (a.flag("--explain")) {
    net::header_list headers;
    for (const auto& h : a.texts("--header")) {
      auto colon = h.find(':');
      if (colon == std::string::npos) {
        std::cerr << "voxgate probe: --header must be 'Name: value', got '" << h << "'\n";
        return 2;
      }
      std::string name = h.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto v = h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      headers.emplace_back(name, v);
    }
    const char* env = std::getenv("PUBLIC_URL");
    std::cout << explain_public_url(env ? env : "", headers);
    return 0;
  }
  probe_options o;
  o.public_url = a.positional();
  if (o.public_url.empty()) {
    std::cerr << "voxgate probe: give the public URL to probe, e.g. https://voice.example.com (see --help)\n";
    return 2;
  }
  o.connect_to = a.text("--connect");
  o.ca_file = a.text("--ca-file");
  o.seconds = a.number("--seconds");
  o.insecure_local = a.flag("--insecure-local");
  caller_choice caller;
  if (!read_caller_options(a, "probe", caller)) return 2;
  o.provider = caller.provider;
  o.credential = caller.credential;
  o.media_port = caller.media_port;
  auto report = run_probe(o);
  std::cout << render(report);
  return report.ok() ? 0 : 1;
}

}  // namespace voxgate::tools
