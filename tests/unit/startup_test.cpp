// `voxgate serve` as an operator starts it: a bad setting stops it at once, before it listens, with
// exit status 2 and a line naming the setting, the value and what was expected.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "net/json.hpp"
#include "tests/fakes/shell.hpp"

namespace {

using voxgate::fakes::free_port;
using voxgate::fakes::run_command;

voxgate::fakes::command_result serve_with(const std::string& env) {
  return run_command("env -i PATH=/usr/bin:/bin PORT=0 " + env + " " VOXGATE_BINARY " serve 2>&1");
}

bool listening(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

}  // namespace

TEST(Startup, JsonLogsArePureJsonLinesWithTheCallsFields) {
  auto port = free_port();
  std::string dir = ::testing::TempDir();
  std::string out = dir + "/voxgate_json.out", err = dir + "/voxgate_json.err";
  std::string pid = run_command("env -i PATH=/usr/bin:/bin PORT=" + std::to_string(port) +
                        " HOST=127.0.0.1 LOG_FORMAT=json DRAIN_TIMEOUT=1 " VOXGATE_BINARY " serve >" + out + " 2>" +
                        err + " & echo $!").output;
  pid_t server = std::stoi(pid);
  for (int i = 0; i < 100 && !listening(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(listening(port));
  run_command(VOXGATE_BINARY " call http://127.0.0.1:" + std::to_string(port) + " --seconds 1 >/dev/null 2>&1");
  kill(server, SIGTERM);
  for (int i = 0; i < 100 && kill(server, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_NE(kill(server, 0), 0) << "the gateway did not stop on SIGTERM";

  std::ifstream in(out);
  int lines = 0, summaries = 0;
  for (std::string line; std::getline(in, line);) {
    ++lines;
    voxgate::net::json::insitu_document doc;
    ASSERT_EQ(doc.parse(line), "") << "not a JSON line on stdout: " << line;
    const auto& root = doc.root();
    EXPECT_FALSE(voxgate::net::json::string_or(root, "ts").empty()) << line;
    EXPECT_FALSE(voxgate::net::json::string_or(root, "level").empty()) << line;
    if (voxgate::net::json::string_or(root, "msg") == "ended") {
      ++summaries;
      EXPECT_FALSE(voxgate::net::json::string_or(root, "call_id").empty()) << line;
      EXPECT_EQ(voxgate::net::json::string_or(root, "provider"), "twilio") << line;
      EXPECT_FALSE(voxgate::net::json::string_or(root, "outcome").empty()) << line;
      EXPECT_TRUE(root.HasMember("duration_ms") && root["duration_ms"].IsNumber()) << line;
    }
  }
  EXPECT_GT(lines, 3);
  EXPECT_EQ(summaries, 1);
  // The banner for a person went to stderr.
  std::ifstream banner(err);
  std::stringstream b;
  b << banner.rdbuf();
  EXPECT_NE(b.str().find("VoxGate is up"), std::string::npos);
}

TEST(Startup, EachBadSettingStopsTheGatewayNamingIt) {
  const std::pair<const char*, const char*> bad[] = {
      {"LOG_LEVEL=verbose", "LOG_LEVEL='verbose': expected one of trace, debug, info, warn, error"},
      {"OPENAI_REALTIME_URL=notaurl", "OPENAI_REALTIME_URL='notaurl': expected an absolute URL"},
      {"TOOL_WEBHOOK_URL=notaurl", "TOOL_WEBHOOK_URL='notaurl': expected an absolute URL"},
      {"AGENT_TOOLS=notjson", "AGENT_TOOLS='notjson': expected a JSON array of tools"},
      {"AGENT_TOOLS='{\"type\":\"function\"}'", "AGENT_TOOLS='{\"type\":\"function\"}': expected a JSON array"},
      {"PUBLIC_URL=voice.example.com", "PUBLIC_URL='voice.example.com': expected an https:// URL"},
      {"PORT=abc", "PORT='abc': expected a whole number from 0 to 65535"},
      // A cluster whose instances could not check each other's media tokens.
      {"REDIS_URL=redis://127.0.0.1:1 INSTANCE_ADDR=10.0.0.7:8080",
       "REDIS_URL is set but CALL_TOKEN_SECRET is not"},
  };
  for (const auto& [setting, line] : bad) {
    auto r = serve_with(setting);
    EXPECT_EQ(r.status, 2) << setting << "\n" << r.output;
    EXPECT_NE(r.output.find(line), std::string::npos) << setting << "\n" << r.output;
    EXPECT_EQ(r.output.find("VoxGate is up"), std::string::npos) << setting;  // it never started
  }
}

TEST(Startup, CaseDoesNotMatterForChoices) {
  // TELNYX_CODEC=pcmu was refused as case-sensitive while AI_AUDIO_FORMAT is lower case. (PORT=abc
  // keeps the gateway from starting; only it is named.)
  auto r = serve_with("TELNYX_CODEC=pcmu AI_AUDIO_FORMAT=PCMU LOG_FORMAT=JSON PORT=abc");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.find("TELNYX_CODEC"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("AI_AUDIO_FORMAT"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("LOG_FORMAT"), std::string::npos) << r.output;
}

TEST(Startup, HelpListsEverySettingAndTheUsage) {
  auto help = run_command(VOXGATE_BINARY " serve --help");
  EXPECT_EQ(help.status, 0);
  for (const char* name : {"PORT", "LOG_LEVEL", "TLS_CA_FILE", "AI_SETUP_TIMEOUT_MS", "--settings-markdown"})
    EXPECT_NE(help.output.find(name), std::string::npos) << name;
}
