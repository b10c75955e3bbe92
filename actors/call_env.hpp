// Everything a call needs from the process, injected so that actor tests can replace each piece:
// settings, the metrics registry, how to reach the network, how to start an AI session, the time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "codecs/audio_format.hpp"
#include "net/call_token.hpp"
#include "net/http_client.hpp"
#include "net/ws_client.hpp"

namespace voxgate::actors {

struct agent_settings {
  std::string instructions = "You are a helpful, concise phone assistant.";
  std::string tools_json = "[]";  // the business's tools; end_call is always added
  bool greet_first = true;        // the AI speaks first when the call connects
};

struct ai_session_args {
  std::string call_id;
  ai_listener listener;  // the call
  ai_audio_sink audio;   // where the AI's audio goes: the call, or its transcoder
  agent_settings agent;
  codecs::audio_format format;  // what the AI hears and speaks
};

using http_fetcher = std::function<void(net::http_client_request, std::function<void(net::http_client_response)>)>;
using ws_connector = std::function<void(net::ws_connect_options, std::shared_ptr<net::ws_sink>,
                                        std::function<void(net::ws_channel_ptr, std::string)>)>;
using ai_factory = std::function<ai_session_actor(caf::actor_system&, ai_session_args)>;

// Where each live call's actors live, for threads that route to a call without asking the supervisor:
// a media socket's upgrade is moved to its call's worker. The supervisor writes it; anyone reads.
class call_homes {
 public:
  void set(const std::string& call_id, int worker) {
    std::lock_guard lock(m_);
    homes_[call_id] = worker;
  }
  void erase(const std::string& call_id) {
    std::lock_guard lock(m_);
    homes_.erase(call_id);
  }
  int find(const std::string& call_id) const {  // -1: no such call here
    std::lock_guard lock(m_);
    auto it = homes_.find(call_id);
    return it == homes_.end() ? -1 : it->second;
  }

 private:
  mutable std::mutex m_;
  std::unordered_map<std::string, int> homes_;
};

// In a cluster (REDIS_URL set; cluster/ provides them): what the supervisor hands to the other
// instances. Absent on a single instance, which then behaves as if it were alone.
struct cluster_hooks {
  // A media socket whose start (token verified) names a call not live here: carry it to its owner.
  std::function<void(pending_socket, std::string start_frame, std::string call_id)> carry_socket;
  // A provider event about a call not live here (never one that another instance forwarded).
  std::function<void(provider_event)> forward_event;
  // This instance no longer holds the call (it ended, or was refused after its webhook claimed it):
  // its directory entry goes.
  std::function<void(const std::string& call_id)> released;
};

struct call_env {
  metrics_registry* metrics = nullptr;
  std::string ai_backend = "local";  // its name, for metrics and logs (actors/ai/registry.hpp)
  // What the AI hears and speaks on a call whose provider streams the given format; anything else
  // goes through the call's transcoder. The backend decides (actors/ai/backend.hpp).
  std::function<codecs::audio_format(codecs::audio_format)> ai_format_for = [](codecs::audio_format provider) {
    return provider.g711() ? provider : codecs::audio_format::g711_ulaw();
  };
  agent_settings agent;
  ai_factory make_ai;
  http_fetcher fetch;

  std::string tool_webhook_url;
  std::chrono::milliseconds tool_timeout{5000};

  std::uint32_t playout_lead_ms = 400;
  std::uint32_t playout_chunk_ms = 100;
  std::chrono::milliseconds ringing_timeout{30000};  // webhook answered, no media socket yet
  std::chrono::milliseconds hangup_grace{400};       // after end_call, let the goodbye finish
  // The silence the AI waits for before it ends the caller's turn (OpenAI's server VAD
  // silence_duration_ms, the local agent's end_of_turn_ms): the caller's speech ended that long before.
  std::chrono::milliseconds ai_turn_silence{500};
  // An AI that fails before it is ready: the caller hears an apology. How long to wait for a media
  // stream that is not up yet, and how long past the apology's length to wait for it to play out.
  std::chrono::milliseconds apology_stream_wait{2500};
  std::chrono::milliseconds apology_margin{2000};

  std::string token_secret;
  std::int64_t token_ttl_seconds = 120;
  std::uint64_t max_calls = 1000;
  int workers = 1;  // the engine's workers: each call is placed on one (actors/engine.hpp)
  // A worker whose loop lags more than this takes no new call (0: no limit); the lag comes from
  // net::io_runtime::loop_lag. Unset (the actor tests): no lag.
  std::chrono::milliseconds overload_lag{0};
  std::function<std::chrono::microseconds(int worker)> loop_lag;
  // Nor does one whose loop would be busier than this share (0 to 1) with one more call
  // (actors/admission.hpp); 0: no bound. The share comes from net::io_runtime::loop_busy.
  double overload_busy = 0;
  std::function<double(int worker)> loop_busy;
  std::shared_ptr<call_homes> homes = std::make_shared<call_homes>();
  std::shared_ptr<const cluster_hooks> cluster;  // null: one instance
  std::function<std::int64_t()> unix_now = [] { return net::unix_now(); };
};

using call_env_ptr = std::shared_ptr<const call_env>;

}  // namespace voxgate::actors
