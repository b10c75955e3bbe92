// The supervisor: admits calls announced by verified webhooks (spawning their call actors at once),
// hands each media socket to its call once the provider's `start` checks out, and knows every live call.
#pragma once

#include "actors/call_env.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors {

supervisor_actor spawn_supervisor(caf::actor_system& sys, call_env_ptr env);

}  // namespace voxgate::actors
