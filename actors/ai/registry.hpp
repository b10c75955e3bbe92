// The AI backends VoxGate speaks, by name. Adding one is a file in this folder and a line in
// registry.cpp; the configuration table, --help, metrics and the gateway's wiring all come from here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/ai/backend.hpp"

namespace voxgate::actors::ai {

const std::vector<backend>& backends();
// By name, or by an older name kept working ("openai" is openai-realtime). Null when unknown.
const backend* find(std::string_view name);
// The backend when AI_BACKEND is unset: the first whose settings it can run with, in the order of
// the list (a key picks the Realtime API; without one, the keyless local agent).
const backend& default_backend(const setting_values& values);
std::string default_description();  // for --help
std::string names();                 // "openai-realtime | openai-live | local"

// Every backend's settings, once each, in the order the backends declare them.
const std::vector<setting>& settings();
// The settings `b` does not read and no other backend shares, among those set in `values`: set beside
// another backend, each would be ignored without a word.
std::vector<std::string> unread_settings(const backend& b, const setting_values& values);

}  // namespace voxgate::actors::ai
