#include "actors/prompts.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "codecs/pcm16.hpp"
#include "codecs/resampler.hpp"
#include "codecs/transcoder.hpp"
#include "codecs/wav.hpp"

extern const unsigned char voxgate_prompt_greeting_wav[];
extern const std::size_t voxgate_prompt_greeting_wav_size;
extern const unsigned char voxgate_prompt_apology_wav[];
extern const std::size_t voxgate_prompt_apology_wav_size;

namespace voxgate::actors::prompts {
namespace {

std::string_view embedded(prompt p) {
  switch (p) {
    case prompt::greeting:
      return {reinterpret_cast<const char*>(voxgate_prompt_greeting_wav), voxgate_prompt_greeting_wav_size};
    case prompt::apology:
      return {reinterpret_cast<const char*>(voxgate_prompt_apology_wav), voxgate_prompt_apology_wav_size};
  }
  return {};
}

// The embedded WAV as espeak-ng wrote it, less the quiet before the first word and after the last.
codecs::wav::pcm_audio spoken(prompt p) {
  auto audio = codecs::wav::from_bytes(embedded(p));
  if (!audio) std::abort();  // written by the build; a bad one is a build fault, not an input
  constexpr int quiet = 200;
  auto& s = audio->samples;
  auto loud = [](std::int16_t v) { return std::abs(v) > quiet; };
  std::size_t first = 0;
  while (first < s.size() && !loud(s[first])) ++first;
  std::size_t last = s.size();
  while (last > first && !loud(s[last - 1])) --last;
  s = std::vector<std::int16_t>(s.begin() + static_cast<std::ptrdiff_t>(first),
                                s.begin() + static_cast<std::ptrdiff_t>(last));
  return *audio;
}

std::mutex cache_mutex;
// Entries are never erased, so spans handed out stay valid for the life of the process.
std::map<std::pair<prompt, std::uint32_t>, std::vector<std::int16_t>> cache;

}  // namespace

std::span<const std::int16_t> samples(prompt p, std::uint32_t rate) {
  std::lock_guard lock(cache_mutex);
  auto [it, added] = cache.try_emplace({p, rate});
  if (added) {
    auto audio = spoken(p);
    codecs::resampler r(audio.sample_rate, rate, 8);
    it->second.resize(r.max_output(audio.samples.size()));
    it->second.resize(r.process(audio.samples, it->second));
  }
  return it->second;
}

std::string encoded(prompt p, const codecs::audio_format& format) {
  auto pcm = samples(p, format.sample_rate);
  std::string out;
  std::string bytes(pcm.size() * 2, '\0');
  codecs::pcm16::to_bytes(pcm, {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  codecs::transcoder(codecs::audio_format::pcm16(format.sample_rate), format).convert(bytes, out);
  return out;
}

}  // namespace voxgate::actors::prompts
