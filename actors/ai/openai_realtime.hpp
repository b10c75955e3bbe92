// OpenAI's Realtime API (GA), the backend VoxGate first spoke: a WebSocket per call, session.update,
// server VAD, barge-in truncated at the millisecond the caller heard.
#pragma once

#include <chrono>

#include "actors/ai/backend.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors::ai {

struct openai_realtime_options {
  std::string url = "wss://api.openai.com/v1/realtime?model=gpt-realtime";
  std::string api_key;  // sent as a header, never logged
  std::string voice = "marin";
  net::tls_settings tls;
  ws_connector connect;
  metrics_registry* metrics = nullptr;
  std::chrono::milliseconds max_held{10000};  // caller audio held until session.updated
  // From spawn to session.updated. An AI that accepts the socket and then says nothing (or one byte a
  // second) would otherwise leave the caller in silence forever.
  std::chrono::milliseconds setup_timeout{10000};
};

ai_session_actor spawn_openai_realtime_session(caf::actor_system& sys, openai_realtime_options options,
                                               ai_session_args args);

backend openai_realtime_backend();

}  // namespace voxgate::actors::ai
