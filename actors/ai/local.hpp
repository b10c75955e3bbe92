// The built-in local agent: no key, no network. The default without an OpenAI key.
#pragma once

#include "actors/ai/backend.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors::ai {

struct local_agent_options {
  metrics_registry* metrics = nullptr;
  double speech_rms = 500.0;           // louder than this is speech
  std::uint32_t end_of_turn_ms = 700;  // this much quiet ends the caller's turn
  std::uint32_t max_turn_ms = 10000;   // longest stretch it records and plays back
};

ai_session_actor spawn_local_session(caf::actor_system& sys, local_agent_options options, ai_session_args args);

backend local_backend();

}  // namespace voxgate::actors::ai
