#include "app/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

#include <rapidjson/document.h>

#include "actors/ai/registry.hpp"
#include "net/json.hpp"
#include "net/listen_address.hpp"
#include "net/providers/registry.hpp"
#include "net/public_url.hpp"
#include "net/redis/client.hpp"
#include "net/setting_checks.hpp"
#include "net/url.hpp"

namespace voxgate::app {

std::string config::effective_backend() const {
  if (!ai_backend.empty()) return ai_backend;
  return actors::ai::default_backend(ai_settings).name;
}

std::string config::instance_address(const std::string& host_name) const {
  if (!instance_addr.empty()) return instance_addr;
  return host_name + ":" + std::to_string(internal_port != 0 ? internal_port : port);
}

namespace {

// What a refused value was expected to be; nothing when the value was taken.
using verdict = std::optional<std::string>;
const verdict taken;

using net::checks::lower;

template <class Int>
auto whole_number(long long lo, long long hi, Int config::*field) {
  return [=](config& c, const std::string& v) -> verdict {
    long long n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi)
      return "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    c.*field = static_cast<Int>(n);
    return taken;
  };
}

auto one_of(std::vector<std::string> choices, std::string config::*field) {
  return [check = net::checks::one_of(std::move(choices)), field](config& c, const std::string& v) -> verdict {
    if (auto expected = check(v)) return expected;
    c.*field = lower(v);
    return taken;
  };
}

auto text(std::string config::*field) {
  return [=](config& c, const std::string& v) -> verdict {
    c.*field = v;
    return taken;
  };
}

// An absolute URL whose scheme is one of `schemes`, with a host.
auto url(std::vector<std::string> schemes, std::string config::*field) {
  return [check = net::checks::url_of(std::move(schemes)), field](config& c, const std::string& v) -> verdict {
    if (auto expected = check(v)) return expected;
    c.*field = v;
    return taken;
  };
}

verdict listen_address(config& c, const std::string& v) {
  if (!net::parse_listen_address(v))
    return "an IP address to listen on (0.0.0.0 for every IPv4 interface, :: for IPv6)";
  c.host = v;
  return taken;
}

verdict public_url(config& c, const std::string& v) {
  std::string why;
  if (!net::public_base_from_config(v, &why)) return "an https:// URL (http:// for local tests) with no query string";
  c.public_url = v;
  return taken;
}

verdict ai_backend(config& c, const std::string& v) {
  const auto* b = actors::ai::find(lower(v));
  if (!b) return actors::ai::names();
  c.ai_backend = b->name;
  return taken;
}

// A plug-in's own setting (an AI backend's, a provider's), checked by the plug-in and kept by name in
// `values`.
config_var plugin_setting(const net::setting& s, net::setting_values config::*values) {
  return {s.name, s.default_value, s.help,
          [name = s.name, check = s.check, values](config& c, const std::string& v) -> verdict {
            if (auto expected = check(v)) return expected;
            (c.*values)[name] = v;
            return taken;
          },
          s.secret};
}

// A JSON array of function tools as the Realtime API takes them: each {"type":"function","name":...}.
verdict agent_tools(config& c, const std::string& v) {
  const std::string expected = R"(a JSON array of tools, each {"type":"function","name":"...",...})";
  rapidjson::Document d;
  if (!net::json::parse(d, v).empty() || !d.IsArray()) return expected;
  for (const auto& tool : d.GetArray()) {
    if (!tool.IsObject()) return expected;
    const auto* type = net::json::member(tool, "type");
    const auto* name = net::json::member(tool, "name");
    if (!type || !type->IsString() || std::string_view(type->GetString()) != "function" || !name ||
        !name->IsString() || name->GetStringLength() == 0)
      return expected;
  }
  c.agent_tools = v;
  return taken;
}

verdict yes_no(config& c, const std::string& v) {
  auto b = lower(v);
  if (b == "1" || b == "true" || b == "yes") {
    c.agent_greets_first = true;
  } else if (b == "0" || b == "false" || b == "no") {
    c.agent_greets_first = false;
  } else {
    return "1 or 0 (true/false, yes/no)";
  }
  return taken;
}

verdict token_secret(config& c, const std::string& v) {
  if (v.size() < 16) return "at least 16 characters";
  c.token_secret = v;
  return taken;
}

verdict redis_url(config& c, const std::string& v) {
  std::string why;
  if (!net::redis::parse_url(v, &why)) return "redis://[[user]:password@]host[:port][/db] (" + why + ")";
  c.redis_url = v;
  return taken;
}

verdict instance_addr(config& c, const std::string& v) {
  auto colon = v.rfind(':');
  unsigned port = 0;
  auto digits = std::string_view(v).substr(colon == std::string::npos ? v.size() : colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  auto host = std::string_view(v).substr(0, colon == std::string::npos ? 0 : colon);
  auto host_char = [](unsigned char ch) { return std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_'; };
  // An IPv6 address in brackets, as in a URL (the others dial ws://[fd00::7]:8081/...).
  auto literal = net::unbracketed(host);
  auto address = net::parse_listen_address(std::string(literal));
  bool v6 = literal.size() != host.size() && literal.find(':') != std::string_view::npos && address;
  if (colon == std::string::npos || colon == 0 || ec != std::errc{} || p != digits.data() + digits.size() ||
      port == 0 || port > 65535 || (!v6 && !std::all_of(host.begin(), host.end(), host_char)))
    return "host:port with an IPv4 address, [an IPv6 address] or a host name, as the other instances reach this one "
           "(e.g. the pod's IP and PORT)";
  // HOST's every-address is a thing to bind, not to dial: the others would each reach themselves.
  if (address && address->every())
    return "an address the other instances can dial, not 0.0.0.0 or [::] (that is HOST's every-address): e.g. the "
           "pod's IP and PORT";
  c.instance_addr = v;
  return taken;
}

// The secret from a file (a mounted secret): its first line, at least 16 characters. Never printed.
verdict token_secret_file(config& c, const std::string& path) {
  const char* expected = "a readable file whose first line is the secret, 16 characters or more";
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return expected;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.size() < 16 || line.size() > 1024) return expected;
  c.token_secret = line;
  return taken;
}

// A bearer token as an operator types it: 16 to 1024 visible ASCII characters.
verdict ops_token(config& c, const std::string& v) {
  if (v.size() < 16 || v.size() > 1024 || !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return ch > 0x20 && ch < 0x7f; }))
    return "16 to 1024 visible ASCII characters, no spaces";
  c.ops_token = v;
  return taken;
}

verdict ca_file(config& c, const std::string& v) {
  std::ifstream in(v);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.find("-----BEGIN CERTIFICATE-----") == std::string::npos) return "a readable file of PEM certificates";
  c.ca_file = v;
  return taken;
}

}  // namespace

const std::vector<config_var>& config_vars() {
  static const std::vector<config_var> vars = [] {
  std::vector<config_var> v = {
      {"PORT", "8080", "TCP port for webhooks, media sockets and metrics", whole_number(0, 65535, &config::port)},
      {"HOST", "0.0.0.0", "IP address to listen on", listen_address},
      {"PUBLIC_URL", "", "https://your.host as providers reach it; without it the URL is derived from proxy headers",
       public_url},
      {"AI_BACKEND", actors::ai::default_description(), actors::ai::names(), ai_backend},
      {"AGENT_INSTRUCTIONS", "a short helpful-assistant prompt", "the AI's system instructions",
       text(&config::agent_instructions)},
      {"AGENT_TOOLS", "[]", "JSON array of function tools offered to the AI (end_call is always added)", agent_tools},
      {"AGENT_GREETS_FIRST", "1", "1: the AI speaks first when the call connects; 0: it waits for the caller",
       yes_no},
      {"TOOL_WEBHOOK_URL", "", "where the AI's tool calls are POSTed (JSON)",
       url({"https", "http"}, &config::tool_webhook_url)},
      {"TOOL_TIMEOUT_MS", "5000", "tool webhook timeout", whole_number(100, 60000, &config::tool_timeout_ms)},
      {"AI_SETUP_TIMEOUT_MS", "10000",
       "time for the AI session to become ready (connected and configured); past it the call ends as ai_failed",
       whole_number(100, 120000, &config::ai_setup_timeout_ms)},
      {"MAX_CALLS", "1000", "calls admitted at once; beyond it callers hear a polite refusal",
       whole_number(0, 1000000, &config::max_calls)},
      {"OVERLOAD_LAG_MS", "20",
       "a worker whose loop runs this late at two probes in a row (100 ms apart; one stall alone does not count) "
       "takes no new calls (callers hear the polite refusal); 0: off",
       whole_number(0, 10000, &config::overload_lag_ms)},
      {"OVERLOAD_BUSY_PERCENT", "80",
       "a worker whose loop would be busier than this with one more call (busy: not waiting for its sockets; its "
       "waiting calls counted at the cost of its streaming ones) takes no new calls; 0: off",
       whole_number(0, 100, &config::overload_busy_percent)},
      {"CALL_TOKEN_SECRET", "random per process",
       "HMAC key for per-call media tokens and for the instances' tokens to each other (the relay, /calls), 16 "
       "characters or more (set it when scaled out)", token_secret, true},
      {"CALL_TOKEN_SECRET_FILE", "", "a file whose first line is CALL_TOKEN_SECRET (a mounted secret); not with it",
       token_secret_file},
      {"OPS_TOKEN", "",
       "bearer token for GET /calls, which lists callers' numbers and parameters (Authorization: Bearer ...), "
       "16 to 1024 visible ASCII characters; unset: /calls is refused",
       ops_token, true},
      {"TLS_CA_FILE", "", "extra CA bundle (PEM) trusted for outbound TLS", ca_file},
      {"LOG_LEVEL", "info", "trace | debug | info | warn | error",
       one_of({"trace", "debug", "info", "warn", "error"}, &config::log_level)},
      {"LOG_FORMAT", "text", "text | json (one JSON object per line on stdout)",
       one_of({"text", "json"}, &config::log_format)},
      {"WORKERS", "0 (one per usable CPU)",
       "worker threads, each running the sockets and actors of its calls; usable CPUs follow the affinity and the "
       "cgroup quota",
       whole_number(0, 256, &config::workers)},
      {"DRAIN_TIMEOUT", "30", "seconds to wait for live calls on SIGTERM",
       whole_number(0, 3600, &config::drain_timeout_s)},
      {"REDIS_URL", "",
       "redis://[[user]:password@]host[:port][/db]: turns the cluster on (any instance takes any call's media; "
       "needs CALL_TOKEN_SECRET)",
       redis_url, true},
      {"INSTANCE_ADDR", "hostname:INTERNAL_PORT, else hostname:PORT",
       "host:port the other instances reach this one at: an IPv4 address, [an IPv6 address] or a name (in "
       "Kubernetes the pod's IP); cluster only", instance_addr},
      {"INTERNAL_PORT", "",
       "a listener of its own for what only the other instances use (the relay between them, their /calls), off "
       "the providers' and the balancer's port; INSTANCE_ADDR then names this port (default hostname:INTERNAL_PORT); "
       "unset: on PORT, behind the instances' token; cluster only",
       whole_number(1, 65535, &config::internal_port)},
      {"CLUSTER_TTL_MS", "15000",
       "a silent instance's calls and registration expire after this; heartbeats every third of it",
       whole_number(1000, 600000, &config::cluster_ttl_ms)},
  };
  // Each AI backend's own settings, right after AI_BACKEND.
  auto at = std::find_if(v.begin(), v.end(), [](const config_var& c) { return c.name == "AI_BACKEND"; }) + 1;
  for (const auto& s : actors::ai::settings()) at = v.insert(at, plugin_setting(s, &config::ai_settings)) + 1;
  // Each provider's own settings, before the tool webhook's.
  at = std::find_if(v.begin(), v.end(), [](const config_var& c) { return c.name == "TOOL_WEBHOOK_URL"; });
  for (const auto& s : net::providers::settings()) at = v.insert(at, plugin_setting(s, &config::provider_settings)) + 1;
  return v;
  }();
  return vars;
}

std::vector<std::string> load_config(config& c, const std::function<const char*(const char*)>& getenv) {
  std::vector<std::string> errors;
  for (const auto& var : config_vars()) {
    const char* v = getenv(var.name.c_str());
    if (!v || !*v) continue;
    if (auto expected = var.apply(c, v))
      errors.push_back(var.name + "=" + (var.secret ? std::string("(hidden)") : "'" + std::string(v) + "'") +
                       ": expected " + *expected);
  }
  const auto* backend = actors::ai::find(c.effective_backend());
  if (backend && backend->refuse)
    if (auto why = backend->refuse(c.ai_settings)) errors.push_back(*why);
  if (const char* a = getenv("CALL_TOKEN_SECRET"), *b = getenv("CALL_TOKEN_SECRET_FILE"); a && *a && b && *b)
    errors.push_back("CALL_TOKEN_SECRET and CALL_TOKEN_SECRET_FILE are both set: set one of them");
  if (!c.redis_url.empty() && c.token_secret.empty())
    errors.push_back(
        "REDIS_URL is set but CALL_TOKEN_SECRET is not: every instance checks the media tokens the others mint, "
        "so set the same CALL_TOKEN_SECRET (16 characters or more, or CALL_TOKEN_SECRET_FILE) on all of them");
  if (!c.redis_url.empty() && c.instance_addr.empty() && c.port == 0 && c.internal_port == 0)
    errors.push_back("REDIS_URL is set with PORT=0: set INSTANCE_ADDR, the other instances cannot guess the port");
  if (c.internal_port != 0 && c.internal_port == c.port)
    errors.push_back("INTERNAL_PORT is PORT: give the instances' listener a port of its own, or unset it");
  if (c.internal_port != 0 && c.port != 0 && c.instance_addr.ends_with(":" + std::to_string(c.port)))
    errors.push_back("INSTANCE_ADDR names PORT while INTERNAL_PORT is set: the other instances reach this one at "
                     "INTERNAL_PORT (" + std::to_string(c.internal_port) + "), where the relay is");
  if (c.internal_port != 0 && c.redis_url.empty())
    errors.push_back("INTERNAL_PORT is set without REDIS_URL: only a cluster's instances use it");
  // A provider's raw TCP media listener (AudioSocket) on the port of another listener would fail at
  // start-up with a bare "address in use": name the clash instead.
  net::providers::set providers(c.provider_settings);
  for (const auto& p : providers.all()) {
    auto media = p->tcp_media();
    if (!media || media->port == 0 || !net::listen_addresses_overlap(media->host, c.host)) continue;
    int internal = c.redis_url.empty() ? 0 : c.internal_port;  // without a cluster there is no such listener
    for (auto [name, port] : {std::pair<const char*, int>{"PORT", c.port}, {"INTERNAL_PORT", internal}})
      if (port == media->port)
        errors.push_back(std::string(media->port_setting) + "=" + std::to_string(port) + " is " + name +
                         " too, on an address that meets HOST (" + media->host + " and " + c.host +
                         "): give each listener a port of its own");
  }
  // The two thread pools became one: an old setting would otherwise be ignored without a word.
  for (const char* name : {"IO_THREADS", "ACTOR_THREADS"})
    if (const char* v = getenv(name); v && *v)
      errors.push_back(std::string(name) + " is no longer read: WORKERS sets the threads (each runs sockets and actors)");
  // A setting of another backend would be ignored without a word: say so instead.
  if (backend)
    for (const auto& name : actors::ai::unread_settings(*backend, c.ai_settings))
      errors.push_back(name + " is set but the AI backend is " + backend->name +
                       ", which does not read it: choose the backend that does with AI_BACKEND, or unset it");
  return errors;
}

std::string config_help() {
  std::string out = "Environment (name, default, meaning):\n";
  for (const auto& v : config_vars()) {
    out += "  " + v.name;
    out.append(v.name.size() < 22 ? 22 - v.name.size() : 1, ' ');
    out += (v.default_value.empty() ? "(unset)" : v.default_value) + "\n";
    out.append(24, ' ');
    out += v.help + (v.secret ? " [secret: never logged]" : "") + "\n";
  }
  return out;
}

std::string config_markdown() {
  std::string out = "| setting | default | meaning |\n|---|---|---|\n";
  auto cell = [](std::string s) {
    std::string escaped;
    for (char ch : s) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return escaped;
  };
  for (const auto& v : config_vars())
    out += "| `" + v.name + "` | " + (v.default_value.empty() ? "" : "`" + cell(v.default_value) + "`") + " | " +
           cell(v.help) + (v.secret ? " (secret: never logged)" : "") + " |\n";
  return out;
}

}  // namespace voxgate::app
