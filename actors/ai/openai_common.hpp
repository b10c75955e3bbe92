// What OpenAI's two voice APIs share here: the key and voice settings, the refusal without a key,
// and the business's tools with the built-in end_call added.
#pragma once

#include <optional>
#include <string>

#include "actors/ai/backend.hpp"

namespace voxgate::actors::ai {

setting openai_key_setting();
setting openai_voice_setting();
// "AI_BACKEND=<name> needs OPENAI_API_KEY ..." when the key is unset.
std::optional<std::string> refuse_without_key(const std::string& backend_name, const setting_values& values);

// The business's tools (a JSON array of {"type":"function",...}) plus the built-in end_call: both
// APIs take function tools in this shape (Realtime in session.update, GPT-Live in its Responses
// delegation).
std::string tools_with_end_call(const std::string& tools_json);

}  // namespace voxgate::actors::ai
