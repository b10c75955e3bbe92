#include "net/providers/signalwire/webhook.hpp"

#include <array>

namespace voxgate::net::signalwire {

bool is_call_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool call_has_ended(std::string_view status) {
  static constexpr std::array<std::string_view, 5> ended = {"completed", "canceled", "failed", "busy", "no-answer"};
  for (auto e : ended)
    if (status == e) return true;
  return false;
}

std::optional<voice_webhook> parse_voice_webhook(std::string_view body, std::string* why) {
  return twilio::parse_voice_webhook(body, why, is_call_id);
}

}  // namespace voxgate::net::signalwire
