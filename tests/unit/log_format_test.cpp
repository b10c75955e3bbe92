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

}  // namespace
}  // namespace voxgate::app
