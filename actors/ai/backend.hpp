// What an AI backend is to the rest of VoxGate: its settings, how it is set up once for the process,
// and how each call gets its session (an ai_session_actor, the one typed interface in messages.hpp).
// Backends live in this folder and are listed in registry.cpp; nothing else names one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/call_env.hpp"
#include "codecs/audio_format.hpp"
#include "net/setting_checks.hpp"
#include "net/settings.hpp"
#include "net/tls.hpp"

namespace voxgate::actors::ai {

using net::setting;
using net::setting_values;
namespace checks = net::checks;

// The value of `name`, or the default of the setting that declares it.
std::string value_of(const setting_values& values, std::string_view name);

// AI_AUDIO_FORMAT, for backends that take the format they are given; and its value: pcmu, pcma or
// pcm16 (24 kHz).
setting ai_audio_format_setting();
codecs::audio_format ai_audio_format(const std::string& value);

// What the process lends a backend when it is set up.
struct process_context {
  metrics_registry* metrics = nullptr;
  net::tls_settings tls;
  ws_connector connect;
  std::chrono::milliseconds setup_timeout{10000};
  setting_values values;
};

// A backend set up for the process: what each call needs from it.
struct runtime {
  ai_factory spawn;
  // What the AI hears and speaks on a call whose provider streams `provider_format`. Anything else
  // goes through the call's transcoder.
  std::function<codecs::audio_format(codecs::audio_format provider_format)> format_for;
  // The silence the AI waits for before it ends the caller's turn (turn latency is timed from there).
  std::chrono::milliseconds turn_silence{500};
  // A backend that takes no playback report keeps the audio the carrier holds small: what the carrier
  // holds is what the caller hears after the model stops. Nothing: the gateway's default.
  std::optional<std::uint32_t> playout_lead_ms;
};

// The AI hears G.711 as the provider sends it when both sides speak G.711 (no transcoding at all),
// else `preferred`.
std::function<codecs::audio_format(codecs::audio_format)> g711_when_both_speak_it(codecs::audio_format preferred);

struct backend {
  std::string name;     // AI_BACKEND
  std::string summary;  // one line for --help and the README
  std::string actor;    // its session actor's type in voxgate_actors_live{actor=...}
  std::vector<setting> settings;
  // Whether AI_BACKEND unset may choose it (when its settings can run it).
  bool chosen_by_default = true;
  std::vector<std::string> error_codes;  // voxgate_ai_errors_total{backend,code} shown at zero
  bool billed_by_time = false;           // reports usage seconds: voxgate_ai_session_seconds shown at zero
  // Why the settings cannot run this backend (e.g. no key), or nothing.
  std::function<std::optional<std::string>(const setting_values&)> refuse;
  std::function<runtime(const process_context&)> start;
};

}  // namespace voxgate::actors::ai
