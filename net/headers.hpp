// HTTP header lists as plain values, so dialects and handlers never see Beast types.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voxgate::net {

// Names are stored lowercase.
using header_list = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullptr when absent.
const std::string* find_header(const header_list& headers, std::string_view name);
std::string header_or(const header_list& headers, std::string_view name, std::string_view fallback = {});

}  // namespace voxgate::net
