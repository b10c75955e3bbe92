// OpenAI GPT-Live over its primary WebSocket: session.start, G.711 both ways with no transcoding,
// interruptions handled inside the model (no truncate), tools by delegation. Facts and sources:
// ../shared/reference/openai-live.md; the design and its measured figures: docs/DESIGN.md.
#pragma once

#include <chrono>

#include "actors/ai/backend.hpp"
#include "actors/messages.hpp"
#include "net/ai/openai_live/client_events.hpp"

namespace voxgate::actors::ai {

struct openai_live_options {
  std::string url = "wss://api.openai.com/v1/live/sessions";
  std::string api_key;  // sent as a header, never logged
  std::string model = "gpt-live-1";
  std::string voice = "marin";
  net::ai::openai_live::delegation_mode delegation = net::ai::openai_live::delegation_mode::client;
  std::string responses_model = "gpt-5.5";  // responses delegation: the model that runs the tools
  net::tls_settings tls;
  ws_connector connect;
  metrics_registry* metrics = nullptr;
  std::chrono::milliseconds max_held{3000};  // caller audio held until session.started
  std::chrono::milliseconds setup_timeout{10000};  // from spawn to session.started
  std::chrono::milliseconds close_wait{2000};      // after session.close, for session.closed (usage)
  std::size_t max_transcript_bytes = 4096;         // what a client delegation hands the tool endpoint
  std::size_t max_commentary_bytes = 2000;         // a delegation's answer (the API takes ~500 tokens)
  double usd_per_minute = 0.05;                    // the published price, for the call's cost estimate
};

ai_session_actor spawn_openai_live_session(caf::actor_system& sys, openai_live_options options, ai_session_args args);

backend openai_live_backend();

}  // namespace voxgate::actors::ai
