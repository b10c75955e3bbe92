// The gateway's own spoken prompts: the local agent's greeting and the apology a caller hears when
// the AI cannot be reached. Spoken at build time by espeak-ng and embedded; converted on first use to
// the rate or format asked for, then kept.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "codecs/audio_format.hpp"

namespace voxgate::actors::prompts {

enum class prompt { greeting, apology };

// The prompt as 16-bit PCM at `rate` Hz, silence trimmed from both ends.
std::span<const std::int16_t> samples(prompt p, std::uint32_t rate);

// The prompt encoded in `format` (G.711 u-law/A-law, L16, PCM16, G.722): the bytes for media frames.
std::string encoded(prompt p, const codecs::audio_format& format);

}  // namespace voxgate::actors::prompts
