#include "app/log_format.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>
#include <string>

#include "net/json.hpp"

namespace voxgate::app {
namespace {

std::string json_line_for(const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("json_test", sink);
  logger.set_formatter(json_log_formatter());
  logger.warn(message);
  logger.flush();
  return out.str();
}

TEST(JsonLogFormat, AMessageWithQuotesAndNewlinesStaysOneValidLine) {
  std::string message = "caller said \"hi\\\" then\nnew line\r\tand \x01";
  std::string line = json_line_for(message);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // the only newline ends the line

  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "msg"), message);
  EXPECT_EQ(net::json::string_or(doc.root(), "level"), "warning");
  EXPECT_FALSE(net::json::string_or(doc.root(), "ts").empty());
}

TEST(JsonLogFormat, AMessageCannotAddFields) {
  std::string line = json_line_for(R"(x","level":"forged)");
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "level"), "warning");
  EXPECT_EQ(net::json::string_or(doc.root(), "msg"), R"(x","level":"forged)");
}

std::string text_line_for(const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("text_test", sink);
  logger.set_formatter(text_log_formatter());
  logger.info(message);
  logger.flush();
  return out.str();
}

// A signed webhook's From holding a newline and a timestamp used to write a second line that looked
// like the gateway's own.
TEST(TextLogFormat, ANewlineInAMessageCannotStartAForgedLine) {
  std::string line = text_line_for("call=CA1 from=+1555\n2026-11-30 12:00:00.000 info call=CA2 ended outcome=completed");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // the only newline ends the line
  EXPECT_NE(line.find(R"(from=+1555\n2026-11-30 12:00:00.000 info call=CA2)"), std::string::npos) << line;
}

TEST(TextLogFormat, ControlCharactersAreEscapedAndTheRestKept) {
  std::string line = text_line_for("a\rb\tc\x01" "d\x7f caf\xc3\xa9 \"q\" \\");
  EXPECT_NE(line.find(R"(a\rb\tc\x01d\x7f caf)"), std::string::npos) << line;
  EXPECT_NE(line.find("caf\xc3\xa9 \"q\" \\\n"), std::string::npos) << line;  // UTF-8, quotes, backslash kept
  EXPECT_NE(line.find(" info "), std::string::npos) << line;
}

}  // namespace
}  // namespace voxgate::app
