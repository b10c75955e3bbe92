#include "app/log_format.hpp"

#include <spdlog/pattern_formatter.h>

#include <string_view>

#include "net/json.hpp"

namespace voxgate::app {

namespace {

// %* in a pattern: the message as the inside of a JSON string.
class json_escaped_message : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    quoted_.clear();
    net::json::append_string(quoted_, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(quoted_.data() + 1, quoted_.data() + quoted_.size() - 1);  // without the quotes
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_escaped_message>(); }

 private:
  std::string quoted_;
};

// %* in a text pattern: the message with control characters escaped (\n, \r, \t, \xNN), so that
// a newline in a caller's From cannot start a line that looks like the gateway's own.
class control_escaped_message : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr char hex[] = "0123456789abcdef";
    const char* p = msg.payload.data();
    const char* end = p + msg.payload.size();
    const char* plain = p;  // start of the run that needs no escape
    for (; p != end; ++p) {
      auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != 0x7f) continue;
      dest.append(plain, p);
      plain = p + 1;
      char esc[4] = {'\\', 0, 0, 0};
      std::size_t len = 2;
      switch (c) {
        case '\n':
          esc[1] = 'n';
          break;
        case '\r':
          esc[1] = 'r';
          break;
        case '\t':
          esc[1] = 't';
          break;
        default:
          esc[1] = 'x';
          esc[2] = hex[c >> 4];
          esc[3] = hex[c & 15];
          len = 4;
      }
      dest.append(esc, esc + len);
    }
    dest.append(plain, end);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<control_escaped_message>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> text_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<control_escaped_message>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %*");
  return formatter;
}

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<json_escaped_message>('*').set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})");
  return formatter;
}

}  // namespace voxgate::app
