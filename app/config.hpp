// Gateway configuration: environment variables first. Every value has a default, a check and a
// line in `voxgate serve --help`. Secrets are held here and never printed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/ai/backend.hpp"
#include "codecs/audio_format.hpp"
#include "net/settings.hpp"

namespace voxgate::app {

struct config {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::string public_url;  // empty: derive from proxy headers, and say so loudly
  std::string ai_backend;  // a name in actors/ai/registry.cpp; empty: chosen from the settings
  actors::ai::setting_values ai_settings;  // the backends' own settings, by name (set ones only)
  std::string agent_instructions = "You are a helpful, concise phone assistant. Keep answers short.";
  std::string agent_tools = "[]";
  bool agent_greets_first = true;
  net::setting_values provider_settings;  // the providers' own settings, by name (set ones only)
  std::string tool_webhook_url;
  int tool_timeout_ms = 5000;
  int ai_setup_timeout_ms = 10000;
  std::uint64_t max_calls = 1000;
  std::string token_secret;  // empty: random per process
  std::string ops_token;     // bearer token for GET /calls; empty: /calls is refused
  std::string ca_file;       // extra CA for outbound TLS (tests, private CAs)
  std::string log_level = "info";
  std::string log_format = "text";
  int workers = 0;  // 0: one per usable CPU
  int overload_lag_ms = 20;
  int overload_busy_percent = 80;
  int drain_timeout_s = 30;
  // The cluster: on when redis_url is set.
  std::string redis_url;
  std::string instance_addr;  // host:port the other instances reach this one at; empty: see instance_address
  int internal_port = 0;      // the other instances' own listener (the relay, their /calls); 0: on PORT
  int cluster_ttl_ms = 15000;

  std::string effective_backend() const;
  // Where the other instances reach this one: INSTANCE_ADDR, else `host_name` at INTERNAL_PORT when
  // it is set (the relay is there), else at PORT.
  std::string instance_address(const std::string& host_name) const;
};

// One setting: its environment variable, the default shown in --help, what it means, and how a
// value is read (it returns what was expected when it refuses the value).
struct config_var {
  std::string name;
  std::string default_value;
  std::string help;
  std::function<std::optional<std::string>(config&, const std::string&)> apply;
  bool secret = false;  // the value is never printed, not even in an error
};

const std::vector<config_var>& config_vars();

// Reads the environment through `getenv` (injectable for tests), every setting checked at once.
// Returns the errors, one per refused value, each naming the setting, the value and what was expected.
std::vector<std::string> load_config(config& out, const std::function<const char*(const char*)>& getenv);

std::string config_help();
// The settings as a Markdown table: the README's configuration section is this, verbatim.
std::string config_markdown();

}  // namespace voxgate::app
