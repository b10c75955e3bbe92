// The AI session actors behind one interface (ai_session_actor): OpenAI Realtime over a WebSocket,
// and a built-in local agent that needs no key and no network.
#pragma once

#include <chrono>

#include "actors/call_env.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors {

struct openai_options {
  std::string url = "wss://api.openai.com/v1/realtime?model=gpt-realtime";
  std::string api_key;  // sent as a header, never logged
  net::tls_settings tls;
  ws_connector connect;
  metrics_registry* metrics = nullptr;
  std::size_t max_held_bytes = 8000 * 10;  // caller audio held until session.updated (10 s of G.711)
  // From spawn to session.updated. An AI that accepts the socket and then says nothing (or one byte a
  // second) would otherwise leave the caller in silence forever.
  std::chrono::milliseconds setup_timeout{10000};
};

ai_session_actor spawn_openai_session(caf::actor_system& sys, openai_options options, ai_session_args args);

struct local_agent_options {
  metrics_registry* metrics = nullptr;
  double speech_rms = 500.0;           // louder than this is speech
  std::uint32_t end_of_turn_ms = 700;  // this much quiet ends the caller's turn
  std::uint32_t max_turn_ms = 10000;   // longest stretch it records and plays back
};

ai_session_actor spawn_local_session(caf::actor_system& sys, local_agent_options options, ai_session_args args);

}  // namespace voxgate::actors
