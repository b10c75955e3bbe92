#include "app/config.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace voxgate::app;

namespace {
std::function<const char*(const char*)> env(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}
}  // namespace

TEST(Config, DefaultsRunTheLocalAgentWithNoKeys) {
  config c;
  EXPECT_TRUE(load_config(c, env({})).empty());
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.effective_backend(), "local");
}

TEST(Config, AnOpenAiKeySelectsOpenAi) {
  config c;
  EXPECT_TRUE(load_config(c, env({{"OPENAI_API_KEY", "test-key"}, {"AI_AUDIO_FORMAT", "pcm16"}})).empty());
  EXPECT_EQ(c.effective_backend(), "openai");
  EXPECT_EQ(c.ai_audio_format, voxgate::codecs::audio_format::pcm16(24000));
}

TEST(Config, BadValuesAreReportedByName) {
  config c;
  auto errors =
      load_config(c, env({{"PORT", "80x"}, {"AI_BACKEND", "gemini"}, {"MAX_CALLS", "-1"}, {"LOG_FORMAT", "xml"}}));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("PORT"), std::string::npos);
  config d;
  auto e2 = load_config(d, env({{"AI_BACKEND", "openai"}}));
  ASSERT_EQ(e2.size(), 1u);
  EXPECT_NE(e2[0].find("OPENAI_API_KEY"), std::string::npos);
}

TEST(Config, HelpListsEveryVariableAndMarksSecrets) {
  auto help = config_help();
  for (const auto& v : config_vars()) EXPECT_NE(help.find(v.name), std::string::npos) << v.name;
  EXPECT_NE(help.find("[secret: never logged]"), std::string::npos);
}
