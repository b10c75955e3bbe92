// The AI backends behind one interface: each registered once with what the rest of the gateway
// needs, and no backend named anywhere outside the registry's folders (actors/ai/, net/ai/).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "actors/ai/registry.hpp"

using namespace voxgate::actors::ai;

TEST(AiRegistry, EachBackendIsCompleteAndFoundByName) {
  std::set<std::string> names;
  for (const auto& b : backends()) {
    EXPECT_TRUE(names.insert(b.name).second) << b.name;
    EXPECT_FALSE(b.summary.empty()) << b.name;
    EXPECT_EQ(b.actor.rfind("ai_", 0), 0u) << b.name;
    EXPECT_TRUE(b.start) << b.name;
    EXPECT_EQ(find(b.name), &b);
  }
  EXPECT_EQ(find("openai")->name, "openai-realtime");  // the name before GPT-Live
  EXPECT_EQ(find("gemini"), nullptr);
  EXPECT_EQ(names, (std::set<std::string>{"openai-realtime", "openai-live", "local"}));
}

TEST(AiRegistry, TheDefaultIsRealtimeWithAKeyElseLocalNeverLiveUnasked) {
  EXPECT_EQ(default_backend({}).name, "local");
  EXPECT_EQ(default_backend({{"OPENAI_API_KEY", "k"}}).name, "openai-realtime");
  EXPECT_TRUE(find("openai-live")->refuse({}));
  EXPECT_FALSE(find("openai-live")->refuse({{"OPENAI_API_KEY", "k"}}));
}

TEST(AiRegistry, SharedSettingsAreListedOnceAndTheirDefaultsApply) {
  int keys = 0;
  for (const auto& s : settings()) keys += s.name == "OPENAI_API_KEY";
  EXPECT_EQ(keys, 1);
  EXPECT_EQ(value_of({}, "OPENAI_LIVE_URL"), "wss://api.openai.com/v1/live/sessions");
  EXPECT_EQ(value_of({{"OPENAI_LIVE_MODEL", "gpt-live-1.1"}}, "OPENAI_LIVE_MODEL"), "gpt-live-1.1");
  // A Realtime setting beside GPT-Live is reported; the shared key is not.
  auto unread = unread_settings(*find("openai-live"), {{"OPENAI_REALTIME_URL", "ws://x"}, {"OPENAI_API_KEY", "k"}});
  EXPECT_EQ(unread, std::vector<std::string>{"OPENAI_REALTIME_URL"});
}

TEST(AiRegistry, GptLiveHearsTheCallsOwnG711AndKeepsItsLookAheadSmall) {
  process_context p;
  p.values = {{"OPENAI_API_KEY", "k"}};
  auto r = find("openai-live")->start(p);
  EXPECT_EQ(r.format_for(voxgate::codecs::audio_format::g711_alaw()), voxgate::codecs::audio_format::g711_alaw());
  EXPECT_EQ(r.format_for(voxgate::codecs::audio_format::g711_ulaw()), voxgate::codecs::audio_format::g711_ulaw());
  EXPECT_EQ(r.format_for(voxgate::codecs::audio_format::g722()), voxgate::codecs::audio_format::pcm16(16000));
  ASSERT_TRUE(r.playout_lead_ms);
  EXPECT_LE(*r.playout_lead_ms, 200u);
}

// The proof in the tree: outside actors/ai/ and net/ai/, no source names a backend.
TEST(AiRegistry, NoBackendIsNamedOutsideItsFolders) {
  namespace fs = std::filesystem;
  const fs::path root = VOXGATE_SOURCE_DIR;
  const std::vector<std::string> names = {"\"openai\"", "\"openai-realtime\"", "\"openai-live\"", "openai_realtime",
                                          "openai_live", "ai_local", "local_agent", "net/ai/", "ai/local.hpp"};
  for (const char* dir : {"actors", "net", "app", "codecs"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      auto rel = fs::relative(entry.path(), root).string();
      if (!entry.is_regular_file() || rel.rfind("actors/ai/", 0) == 0 || rel.rfind("net/ai/", 0) == 0) continue;
      auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp" && ext != ".txt") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      for (const auto& name : names) EXPECT_EQ(text.str().find(name), std::string::npos) << rel << " names " << name;
    }
  }
}
