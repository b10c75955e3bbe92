#include "actors/ai/backend.hpp"

#include "actors/ai/registry.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::actors::ai {

std::string value_of(const setting_values& values, std::string_view name) {
  if (auto it = values.find(name); it != values.end()) return it->second;
  for (const auto& s : settings())
    if (s.name == name) return s.default_value;
  return {};
}

setting ai_audio_format_setting() {
  // Not owned: a backend that does not read it (GPT-Live follows the call's codec) says so here.
  return {"AI_AUDIO_FORMAT", "pcmu",
          "pcmu | pcma (G.711 to the AI, no transcoding) | pcm16 (24 kHz PCM, transcoded); openai-live "
          "does not read it (it takes the call's G.711 as it is, any other codec as 16 kHz PCM)",
          checks::one_of({"pcmu", "pcma", "pcm16"}), false, false};
}

codecs::audio_format ai_audio_format(const std::string& value) {
  auto v = checks::lower(value);
  if (v == "pcm16") return codecs::audio_format::pcm16(24000);
  if (v == "pcma") return codecs::audio_format::g711_alaw();
  return codecs::audio_format::g711_ulaw();
}

std::function<codecs::audio_format(codecs::audio_format)> g711_when_both_speak_it(codecs::audio_format preferred) {
  return [preferred](codecs::audio_format provider) {
    return preferred.g711() && provider.g711() ? provider : preferred;
  };
}

}  // namespace voxgate::actors::ai
