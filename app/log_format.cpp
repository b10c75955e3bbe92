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

}  // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<json_escaped_message>('*').set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})");
  return formatter;
}

}  // namespace voxgate::app
