#include "app/log_format.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>
#include <string>

#include "net/json.hpp"
#include "net/log_value.hpp"

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

TEST(JsonLogFormat, KeyValuePairsBecomeFields) {
  std::string line = json_line_for(
      "call=CA123 ended outcome=completed provider=twilio duration_ms=61234 from=\"+1 555 \\\"0100\\\"\" wait_s=0.5 "
      "zip=007 to=15551230100 host=.5 port_ms=.5");
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  const auto& root = doc.root();
  EXPECT_EQ(net::json::string_or(root, "msg"), "ended");
  EXPECT_EQ(net::json::string_or(root, "call_id"), "CA123");
  EXPECT_EQ(net::json::string_or(root, "outcome"), "completed");
  EXPECT_EQ(net::json::string_or(root, "provider"), "twilio");
  EXPECT_EQ(net::json::string_or(root, "from"), "+1 555 \"0100\"");
  ASSERT_TRUE(root.HasMember("duration_ms") && root["duration_ms"].IsInt());
  EXPECT_EQ(root["duration_ms"].GetInt(), 61234);
  ASSERT_TRUE(root["wait_s"].IsDouble());
  EXPECT_EQ(net::json::string_or(root, "zip"), "007");  // not a JSON number: kept as text
  // Only counts and durations are numbers: a caller's digits stay text, so a field's type never changes.
  EXPECT_EQ(net::json::string_or(root, "to"), "15551230100");
  EXPECT_EQ(net::json::string_or(root, "host"), ".5");
  EXPECT_EQ(net::json::string_or(root, "port_ms"), ".5");  // not a JSON number either
}

TEST(JsonLogFormat, AQuotedValueCannotAddOrOverwriteFields) {
  // What a caller controls is logged quoted (net::quoted): its spaces and `x=y` stay inside.
  std::string line = json_line_for("call=CA1 from=\"+1 outcome=forged level=error\" outcome=completed level=info");
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "from"), "+1 outcome=forged level=error");
  EXPECT_EQ(net::json::string_or(doc.root(), "outcome"), "completed");
  EXPECT_EQ(net::json::string_or(doc.root(), "level"), "warning");  // the line's own level wins
}

TEST(JsonLogFormat, BytesThatAreNotUtf8AreReplacedSoTheLineStaysJson) {
  std::string line = json_line_for("upgrade host=caf\xe9 path=/\xc0\xafx ok=\xe2\x82\xac");
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "host"), "caf\xef\xbf\xbd");
  EXPECT_EQ(net::json::string_or(doc.root(), "path"), "/\xef\xbf\xbd\xef\xbf\xbdx");  // an overlong '/' too
  EXPECT_EQ(net::json::string_or(doc.root(), "ok"), "\xe2\x82\xac");  // the euro sign, kept
}

// A peer's text is quoted wherever it stands: also between a line's words, not only after `key=`.
TEST(JsonLogFormat, AQuotedWordCannotAddOrOverwriteFields) {
  std::string line = json_line_for(
      fmt::format("event {} for unknown call=CA1 ignored", net::token{"x call=forged outcome=completed"}));
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "call_id"), "CA1") << line;
  EXPECT_FALSE(doc.root().HasMember("outcome")) << line;
  EXPECT_NE(net::json::string_or(doc.root(), "msg").find("x call=forged outcome=completed"), std::string_view::npos)
      << line;
}

TEST(JsonLogFormat, NetTokenQuotesAnythingButAPlainIdentifier) {
  EXPECT_EQ(fmt::format("{}", net::token{"CA0123abc"}), "CA0123abc");
  EXPECT_EQ(fmt::format("{}", net::token{"v3:abc-DEF_1.x"}), "v3:abc-DEF_1.x");
  EXPECT_EQ(fmt::format("{}", net::token{"a b=c"}), "\"a b=c\"");
  EXPECT_EQ(fmt::format("{}", net::token{""}), "\"\"");
}

TEST(JsonLogFormat, NetQuotedRoundTripsAnyText) {
  std::string from = "+1 555\" to=\\ x";
  std::string line = json_line_for(fmt::format("call=CA1 from={} ok=1", net::quoted{from}));
  std::string text = line.substr(0, line.size() - 1);
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(text), "") << line;
  EXPECT_EQ(net::json::string_or(doc.root(), "from"), from);
  EXPECT_TRUE(doc.root().HasMember("ok"));
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
