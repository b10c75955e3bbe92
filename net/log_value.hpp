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

// An identifier from outside (a call id, a Host header): written plainly when it is a plain token
// (letters, digits and . _ : / + @ -, at most 128), quoted otherwise.
struct token {
  std::string_view text;
  bool plain() const {
    if (text.empty() || text.size() > 128) return false;
    for (unsigned char c : text)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
            c == ':' || c == '/' || c == '+' || c == '@' || c == '-'))
        return false;
    return true;
  }
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

template <>
struct fmt::formatter<voxgate::net::token> : fmt::formatter<voxgate::net::quoted> {
  template <class Context>
  auto format(const voxgate::net::token& t, Context& ctx) const {
    if (t.plain()) return fmt::format_to(ctx.out(), "{}", t.text);
    return fmt::formatter<voxgate::net::quoted>::format(voxgate::net::quoted{t.text.substr(0, 128)}, ctx);
  }
};
