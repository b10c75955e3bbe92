#include "net/headers.hpp"

#include <strings.h>

namespace voxgate::net {

const std::string* find_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return &v;
  return nullptr;
}

std::string header_or(const header_list& headers, std::string_view name, std::string_view fallback) {
  const auto* v = find_header(headers, name);
  return v ? *v : std::string(fallback);
}

}  // namespace voxgate::net
