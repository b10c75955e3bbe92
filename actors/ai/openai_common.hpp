// What OpenAI's two voice APIs share here: the key and voice settings, the refusal without a key,
// and the business's tools with the built-in end_call added.
#pragma once

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "actors/ai/backend.hpp"
#include "actors/metrics.hpp"

namespace voxgate::actors::ai {

setting openai_key_setting();
setting openai_voice_setting();
// "AI_BACKEND=<name> needs OPENAI_API_KEY ..." when the key is unset.
std::optional<std::string> refuse_without_key(const std::string& backend_name, const setting_values& values);

// The business's tools (a JSON array of {"type":"function",...}) plus the built-in end_call: both
// APIs take function tools in this shape (Realtime in session.update, GPT-Live in its Responses
// delegation).
std::string tools_with_end_call(const std::string& tools_json);

// Ends a session with `why` as its reason: the call logs it and ends as ai_failed.
template <class Self>
void fail_session(Self self, const std::string& why) {
  self->quit(caf::make_error(caf::sec::runtime_error, why));
}

// An audio delta's base64 (a view into `frame`) decoded into `frame` itself, which then holds just the
// audio: no allocation per delta. False, with the frame counted as bad, when it is not base64.
bool decode_delta_in_place(std::string& frame, std::string_view delta, metrics_registry& metrics,
                           std::string_view backend);

}  // namespace voxgate::actors::ai
