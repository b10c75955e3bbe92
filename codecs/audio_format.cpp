#include "codecs/audio_format.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace voxgate::codecs {

std::string_view to_string(encoding e) {
  switch (e) {
    case encoding::pcmu:
      return "pcmu";
    case encoding::pcma:
      return "pcma";
    case encoding::pcm16:
      return "pcm16";
    case encoding::l16:
      return "l16";
    case encoding::g722:
      return "g722";
  }
  return "?";
}

std::optional<encoding> parse_encoding(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "pcmu") return encoding::pcmu;
  if (lower == "pcma") return encoding::pcma;
  if (lower == "pcm16") return encoding::pcm16;
  if (lower == "l16") return encoding::l16;
  if (lower == "g722") return encoding::g722;
  return std::nullopt;
}

}  // namespace voxgate::codecs
