// Log lines are `words key=value key="value with spaces"`: LOG_FORMAT=json lifts each pair into a
// field. A value that comes from outside (a caller's number, a peer's error text) is written through
// `quoted`, so that a space or an `x=y` inside it can never start a field of its own.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace voxgate::net {

struct quoted {
  std::string_view text;
};

}  // namespace voxgate::net

template <>
struct fmt::formatter<voxgate::net::quoted> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const voxgate::net::quoted& q, Context& ctx) const {
    auto out = ctx.out();
    *out++ = '"';
    for (char c : q.text) {
      if (c == '"' || c == '\\') *out++ = '\\';
      *out++ = c;
    }
    *out++ = '"';
    return out;
  }
};
