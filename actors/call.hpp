// The call actor: one per phone call. A state machine (ringing -> streaming -> ending) that owns
// the provider socket, its AI session and, when formats differ, a transcoder; all end together.
#pragma once

#include <memory>

#include "actors/call_env.hpp"
#include "actors/call_record.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors {

call_internal spawn_call(caf::actor_system& sys, call_env_ptr env, std::shared_ptr<call_record> record);

}  // namespace voxgate::actors
