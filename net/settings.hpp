// A plug-in's settings (an AI backend's, a telephony provider's): each an environment variable with a
// default, a line of help and a check. The configuration table and --help are made from them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::net {

// Setting values from the environment, by name, each already checked by its setting's `check`.
using setting_values = std::map<std::string, std::string, std::less<>>;

struct setting {
  std::string name;
  std::string default_value;  // what the plug-in uses when unset ("" is a real default: none)
  std::string help;
  // What a refused value was expected to be; nothing when the value is taken.
  std::function<std::optional<std::string>(const std::string&)> check;
  bool secret = false;
  // Read by no other plug-in of its kind, so set beside another it would be ignored without a word.
  bool owned = true;
};

// The value of `name` in `values`, or the default of the setting in `declared` that names it.
inline std::string value_of(const setting_values& values, const std::vector<setting>& declared, std::string_view name) {
  if (auto it = values.find(name); it != values.end()) return it->second;
  for (const auto& s : declared)
    if (s.name == name) return s.default_value;
  return {};
}

}  // namespace voxgate::net
