// The transcoder actor: sits between a call and its AI when their audio formats differ. Caller audio
// from the call goes on to the AI session in its format; AI audio from the session goes on to the call.
#pragma once

#include "actors/call_env.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors {

transcoder_actor spawn_transcoder(caf::actor_system& sys, call_env_ptr env, codecs::audio_format provider_format,
                                  codecs::audio_format ai_format, ai_audio_sink call);

}  // namespace voxgate::actors
