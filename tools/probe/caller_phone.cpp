#include "tools/probe/caller_phone.hpp"

#include <cmath>
#include <fstream>
#include <iterator>

#include "codecs/g711.hpp"
#include "codecs/resampler.hpp"
#include "codecs/wav.hpp"

namespace voxgate::tools {

std::size_t samples_in(double seconds) { return static_cast<std::size_t>(std::lround(seconds * 8000)); }

std::vector<std::int16_t> test_signal(double seconds) {
  std::vector<std::int16_t> s(samples_in(seconds), 0);
  for (std::size_t i = 2400; i < 10400 && i < s.size(); ++i) {
    double t = static_cast<double>(i) / 8000.0;
    s[i] = static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * 220 * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * t)));
  }
  return s;
}

std::optional<std::vector<std::int16_t>> load_wav_8k(const std::string& path, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read " + path;
    return std::nullopt;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto audio = codecs::wav::from_bytes(bytes, &why);
  if (!audio) return std::nullopt;
  if (audio->sample_rate == 8000) return audio->samples;
  codecs::resampler r(audio->sample_rate, 8000);
  std::vector<std::int16_t> out;
  r.process_append(audio->samples, out);
  return out;
}

void caller_phone::on_media(std::span<const std::uint8_t> mulaw, clock::time_point now) {
  auto offset = sample_at(playback_.on_media(mulaw.size(), now));
  if (heard_.size() < offset + mulaw.size()) heard_.resize(offset + mulaw.size(), 0);
  for (std::size_t i = 0; i < mulaw.size(); ++i) heard_[offset + i] = codecs::g711::ulaw_to_linear(mulaw[i]);
}

std::vector<std::string> caller_phone::on_clear(clock::time_point now) {
  if (auto cut = sample_at(now); heard_.size() > cut) heard_.resize(cut);
  return playback_.on_clear(now);
}

std::size_t caller_phone::sample_at(clock::time_point t) const {
  return static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::microseconds>(t - start_).count() * 8 / 1000);
}

}  // namespace voxgate::tools
