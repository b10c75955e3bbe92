#include "actors/ai/registry.hpp"

#include <algorithm>

#include "actors/ai/local.hpp"
#include "actors/ai/openai_live.hpp"
#include "actors/ai/openai_realtime.hpp"

namespace voxgate::actors::ai {

const std::vector<backend>& backends() {
  // The order is the default's order of preference (default_backend).
  static const std::vector<backend> list = {openai_realtime_backend(), openai_live_backend(), local_backend()};
  return list;
}

const backend* find(std::string_view name) {
  if (name == "openai") name = "openai-realtime";  // the name before GPT-Live existed
  for (const auto& b : backends())
    if (b.name == name) return &b;
  return nullptr;
}

const backend& default_backend(const setting_values& values) {
  for (const auto& b : backends()) {
    if (b.chosen_by_default && (!b.refuse || !b.refuse(values))) return b;
  }
  return backends().back();
}

std::string default_description() { return "openai-realtime if OPENAI_API_KEY is set, else local"; }

std::string names() {
  std::string out;
  for (const auto& b : backends()) out += (out.empty() ? "" : " | ") + b.name;
  return out;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> all = [] {
    std::vector<setting> out;
    for (const auto& b : backends())
      for (const auto& s : b.settings)
        if (std::none_of(out.begin(), out.end(), [&](const setting& o) { return o.name == s.name; }))
          out.push_back(s);
    return out;
  }();
  return all;
}

std::vector<std::string> unread_settings(const backend& b, const setting_values& values) {
  std::vector<std::string> out;
  for (const auto& s : settings()) {
    if (!s.owned || values.find(s.name) == values.end()) continue;
    bool reads = std::any_of(b.settings.begin(), b.settings.end(), [&](const setting& o) { return o.name == s.name; });
    if (!reads) out.push_back(s.name);
  }
  return out;
}

}  // namespace voxgate::actors::ai
