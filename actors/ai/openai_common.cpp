#include "actors/ai/openai_common.hpp"

#include "net/setting_checks.hpp"
#include "codecs/base64.hpp"

namespace voxgate::actors::ai {

setting openai_key_setting() {
  // Not owned: one key in the environment may serve other tools beside a local agent.
  return {"OPENAI_API_KEY", "", "OpenAI API key", checks::any_text(), true, false};
}

setting openai_voice_setting() { return {"OPENAI_VOICE", "marin", "voice for the AI's speech", checks::any_text()}; }

std::optional<std::string> refuse_without_key(const std::string& backend_name, const setting_values& values) {
  if (!value_of(values, "OPENAI_API_KEY").empty()) return std::nullopt;
  return "AI_BACKEND=" + backend_name + " needs OPENAI_API_KEY (or AI_BACKEND=local for the keyless local agent)";
}

namespace {

constexpr std::string_view end_call_tool =
    R"({"type":"function","name":"end_call","description":"Hang up the phone call. Use it after saying goodbye, when the conversation is over.","parameters":{"type":"object","properties":{}}})";

}  // namespace

std::string tools_with_end_call(const std::string& tools_json) {
  std::string t = tools_json;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  if (t.size() < 2 || t.front() != '[' || t.back() != ']') return "[" + std::string(end_call_tool) + "]";
  std::string inner = t.substr(1, t.size() - 2);
  bool empty = inner.find_first_not_of(" \n\t") == std::string::npos;
  return "[" + inner + (empty ? "" : ",") + std::string(end_call_tool) + "]";
}

bool decode_delta_in_place(std::string& frame, std::string_view delta, metrics_registry& metrics,
                           std::string_view backend) {
  auto n = codecs::base64::decode(delta, reinterpret_cast<std::uint8_t*>(frame.data()));
  if (!n) {
    metrics.bad_frames.with({std::string(backend), "bad base64"}).inc();
    return false;
  }
  frame.resize(*n);
  return true;
}

void held_audio::hold(audio_chunk chunk, std::chrono::milliseconds max_held, metrics_registry& metrics) {
  auto max_bytes = static_cast<std::size_t>(max_held.count()) * chunk.format.bytes_per_ms();
  bytes_ += chunk.bytes.size();
  chunks_.push_back(std::move(chunk.bytes));
  while (bytes_ > max_bytes && !chunks_.empty()) {
    bytes_ -= chunks_.front().size();
    chunks_.pop_front();
    metrics.frames_dropped.with({"ai", "in_held"}).inc();
  }
}

}  // namespace voxgate::actors::ai
