// Minimal RIFF/WAVE for mono 16-bit PCM: enough to record a call and to play a prompt file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::codecs::wav {

struct pcm_audio {
  std::uint32_t sample_rate = 8000;
  std::vector<std::int16_t> samples;
};

std::string to_bytes(const pcm_audio& audio);
// Accepts mono 16-bit PCM WAV only; anything else is refused with a reason.
std::optional<pcm_audio> from_bytes(std::string_view bytes, std::string* why = nullptr);

}  // namespace voxgate::codecs::wav
