#include "app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "actors/ai/backend.hpp"
#include "net/providers/registry.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate::app;

namespace {
std::function<const char*(const char*)> env(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

// The settings of one instance of a cluster, and `more`.
std::function<const char*(const char*)> cluster_env(std::map<std::string, std::string> more = {}) {
  more.emplace("REDIS_URL", "redis://redis");
  more.emplace("CALL_TOKEN_SECRET", "0123456789abcdef");
  return env(std::move(more));
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
  EXPECT_EQ(c.effective_backend(), "openai-realtime");
  EXPECT_EQ(c.ai_settings.at("AI_AUDIO_FORMAT"), "pcm16");
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

TEST(Config, EachBadSettingIsRefusedWithItsNameItsValueAndWhatWasExpected) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"LOG_LEVEL", "verbose"},           {"OPENAI_REALTIME_URL", "notaurl"}, {"TOOL_WEBHOOK_URL", "notaurl"},
      {"AGENT_TOOLS", "notjson"},         {"PUBLIC_URL", "voice.example.com"}, {"AGENT_GREETS_FIRST", "maybe"},
      {"TWILIO_ACCOUNT_SID", "12345"},    {"HOST", "localhost:80"},            {"TLS_CA_FILE", "/no/such/file.pem"}, {"TLS_CA_FILE", "/etc/hostname"},
      {"TELNYX_API_BASE", "ftp://x"},     {"TELNYX_STREAM_MODE", "both"},     {"TWILIO_API_BASE", "api.twilio.com"},
      {"OPENAI_REALTIME_URL", "https://api.openai.com/v1/realtime"}};
  for (const auto& [name, value] : bad) {
    config c;
    auto errors = load_config(c, env({{name, value}, {"AI_BACKEND", "openai"}, {"OPENAI_API_KEY", "k"}}));
    ASSERT_EQ(errors.size(), 1u) << name << ": " << (errors.empty() ? "" : errors[0]);
    EXPECT_EQ(errors[0].rfind(name + "='" + value + "': expected ", 0), 0u) << errors[0];
  }
  // Together: every bad value is reported, not only the first.
  config c;
  EXPECT_EQ(load_config(c, env({{"LOG_LEVEL", "verbose"}, {"PORT", "abc"}, {"AGENT_TOOLS", "{}"}})).size(), 3u);
}

TEST(Config, AnOpenAiSettingWithTheLocalAgentIsNotIgnoredSilently) {
  config c;
  auto errors = load_config(c, env({{"OPENAI_REALTIME_URL", "ws://127.0.0.1:8100/v1/realtime"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("OPENAI_REALTIME_URL is set but the AI backend is local", 0), 0u) << errors[0];
  config d;
  EXPECT_TRUE(load_config(d, env({{"OPENAI_REALTIME_URL", "ws://127.0.0.1:8100/v1/realtime"},
                                   {"AI_BACKEND", "openai"},
                                   {"OPENAI_API_KEY", "k"}}))
                  .empty());
}

TEST(Config, TheOldOpenAiNameIsTheRealtimeBackendAndGptLiveIsChosenByName) {
  config c;
  EXPECT_TRUE(load_config(c, env({{"AI_BACKEND", "openai"}, {"OPENAI_API_KEY", "k"}})).empty());
  EXPECT_EQ(c.effective_backend(), "openai-realtime");
  config d;  // a key alone never picks GPT-Live: it is asked for by name
  EXPECT_TRUE(load_config(d, env({{"OPENAI_API_KEY", "k"}})).empty());
  EXPECT_EQ(d.effective_backend(), "openai-realtime");
  config e;
  EXPECT_TRUE(load_config(e, env({{"AI_BACKEND", "OpenAI-Live"},
                                  {"OPENAI_API_KEY", "k"},
                                  {"OPENAI_LIVE_URL", "ws://127.0.0.1:9/v1/live/sessions"},
                                  {"OPENAI_LIVE_DELEGATION", "responses"}}))
                  .empty());
  EXPECT_EQ(e.effective_backend(), "openai-live");
  config f;  // a Realtime setting beside GPT-Live would be ignored: refused instead
  auto errors = load_config(f, env({{"AI_BACKEND", "openai-live"}, {"OPENAI_API_KEY", "k"},
                                    {"OPENAI_REALTIME_URL", "ws://127.0.0.1:9/v1/realtime"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("OPENAI_REALTIME_URL is set but the AI backend is openai-live", 0), 0u) << errors[0];
  config g;
  auto no_key = load_config(g, env({{"AI_BACKEND", "openai-live"}}));
  ASSERT_EQ(no_key.size(), 1u);
  EXPECT_NE(no_key[0].find("AI_BACKEND=openai-live needs OPENAI_API_KEY"), std::string::npos) << no_key[0];
}

TEST(Config, ToolsMustBeAnArrayOfNamedFunctions) {
  for (std::string tools : {"{}", R"([{"name":"x"}])", R"([{"type":"function"}])", "[1]", R"([{"type":"function","name":""}])"}) {
    config c;
    EXPECT_EQ(load_config(c, env({{"AGENT_TOOLS", tools}})).size(), 1u) << tools;
  }
  config c;
  std::string good = R"([{"type":"function","name":"lookup","parameters":{"type":"object"}}])";
  EXPECT_TRUE(load_config(c, env({{"AGENT_TOOLS", good}})).empty());
  EXPECT_EQ(c.agent_tools, good);
}

TEST(Config, ChoicesAreCaseInsensitive) {
  config c;
  EXPECT_TRUE(load_config(c, env({{"TELNYX_CODEC", "pcma"}, {"AI_AUDIO_FORMAT", "PCMA"}, {"LOG_FORMAT", "JSON"},
                                    {"LOG_LEVEL", "Debug"}}))
                  .empty());
  // The Telnyx provider made from these settings asks for PCMA on its calls.
  voxgate::net::providers::set providers(c.provider_settings);
  voxgate::net::http_request req;
  req.body = voxgate::sim::telnyx::webhook_event("e1", "call.initiated", "v3:cc", "s1");
  auto hook = providers.find("telnyx")->parse(req, voxgate::net::public_base{"https://gw", "wss://gw", ""}, nullptr);
  ASSERT_TRUE(hook && std::holds_alternative<voxgate::net::providers::new_call>(*hook));
  EXPECT_EQ(std::get<voxgate::net::providers::new_call>(*hook).media_format, voxgate::codecs::audio_format::g711_alaw());
  EXPECT_EQ(voxgate::actors::ai::ai_audio_format(c.ai_settings.at("AI_AUDIO_FORMAT")),
            voxgate::codecs::audio_format::g711_alaw());
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.log_level, "debug");
}

TEST(Config, ASecretIsNeverEchoedInAnError) {
  config c;
  auto errors = load_config(c, env({{"CALL_TOKEN_SECRET", "short-s3cret"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find("short-s3cret"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("CALL_TOKEN_SECRET"), std::string::npos);
}

TEST(Config, TheReadmeTableIsTheSettingsTable) {
  auto table = config_markdown();
  for (const auto& v : config_vars()) EXPECT_NE(table.find("| `" + v.name + "` |"), std::string::npos) << v.name;
  EXPECT_NE(table.find("pcma"), std::string::npos);
}

TEST(Config, TheOldThreadSettingsPointToWorkers) {
  config c;
  auto errors = load_config(c, env({{"IO_THREADS", "4"}, {"ACTOR_THREADS", "2"}, {"WORKERS", "3"}}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "IO_THREADS is no longer read: WORKERS sets the threads (each runs sockets and actors)");
  EXPECT_EQ(errors[1].rfind("ACTOR_THREADS is no longer read", 0), 0u) << errors[1];
  EXPECT_EQ(c.workers, 3);
  config d;
  auto bad = load_config(d, env({{"WORKERS", "many"}}));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].rfind("WORKERS='many': expected", 0), 0u) << bad[0];
}

TEST(Config, AnAudioSocketListenerOnAnotherListenersPortIsNamedNotLeftToTheBind) {
  auto clash = [](std::map<std::string, std::string> vars) {
    config c;
    auto errors = load_config(c, env(std::move(vars)));
    return errors.size() == 1 && errors[0].find("AUDIOSOCKET_PORT=") == 0;
  };
  config on_port;
  auto errors = load_config(on_port, env({{"AUDIOSOCKET_PORT", "8080"}}));  // PORT's default, HOST 0.0.0.0
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "AUDIOSOCKET_PORT=8080 is PORT too, on an address that meets HOST (127.0.0.1 and 0.0.0.0): give each "
            "listener a port of its own");
  config on_internal;
  errors = load_config(on_internal, cluster_env({{"INTERNAL_PORT", "8081"}, {"AUDIOSOCKET_PORT", "8081"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("AUDIOSOCKET_PORT=8081 is INTERNAL_PORT too"), std::string::npos) << errors[0];
  // Which addresses meet, as Linux binds them (IPV6_V6ONLY off: :: takes IPv4's addresses too).
  EXPECT_TRUE(clash({{"HOST", "10.0.3.7"}, {"AUDIOSOCKET_HOST", "10.0.3.7"}, {"AUDIOSOCKET_PORT", "8080"}}));
  EXPECT_TRUE(clash({{"HOST", "10.0.3.7"}, {"AUDIOSOCKET_HOST", "0.0.0.0"}, {"AUDIOSOCKET_PORT", "8080"}}));
  EXPECT_TRUE(clash({{"HOST", "::"}, {"AUDIOSOCKET_PORT", "8080"}}));
  EXPECT_TRUE(clash({{"HOST", "127.0.0.1"}, {"AUDIOSOCKET_HOST", "::ffff:127.0.0.1"}, {"AUDIOSOCKET_PORT", "8080"}}));
  EXPECT_TRUE(clash({{"HOST", "0:0:0:0:0:0:0:0"}, {"AUDIOSOCKET_HOST", "::1"}, {"AUDIOSOCKET_PORT", "8080"}}));
  config apart;  // one port on two addresses that do not meet
  EXPECT_TRUE(load_config(apart, env({{"HOST", "10.0.3.7"}, {"AUDIOSOCKET_PORT", "8080"}})).empty());
  config families;  // 0.0.0.0 takes no IPv6 address
  EXPECT_TRUE(load_config(families, env({{"AUDIOSOCKET_HOST", "::1"}, {"AUDIOSOCKET_PORT", "8080"}})).empty());
  config any_port;  // both on "any free port" (tests): never the same one
  EXPECT_TRUE(load_config(any_port, env({{"PORT", "0"}, {"AUDIOSOCKET_PORT", "0"}})).empty());
  config no_cluster;  // INTERNAL_PORT without REDIS_URL opens no listener: its own error, no clash
  errors = load_config(no_cluster, env({{"INTERNAL_PORT", "8081"}, {"AUDIOSOCKET_PORT", "8081"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("INTERNAL_PORT is set without REDIS_URL"), std::string::npos) << errors[0];
  config not_an_address;
  errors = load_config(not_an_address, env({{"AUDIOSOCKET_HOST", "localhost"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("AUDIOSOCKET_HOST='localhost': expected an IP address to bind"), std::string::npos)
      << errors[0];
  config own;
  EXPECT_TRUE(load_config(own, env({{"AUDIOSOCKET_PORT", "9092"}})).empty());
  EXPECT_EQ(own.port, 8080);
}

TEST(Config, TheInstancesOwnPortIsAPortOfItsOwnInACluster) {
  config c;
  EXPECT_TRUE(load_config(c, cluster_env({{"INTERNAL_PORT", "8081"}})).empty());
  EXPECT_EQ(c.internal_port, 8081);
  EXPECT_EQ(c.instance_address("pod-7"), "pod-7:8081") << "the others dial the port with the relay";
  config port0;  // the others can reach it at the internal port, whatever PORT is
  EXPECT_TRUE(load_config(port0, cluster_env({{"PORT", "0"}, {"INTERNAL_PORT", "8081"}})).empty());
  config same;
  auto errors = load_config(same, cluster_env({{"PORT", "8081"}, {"INTERNAL_PORT", "8081"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("INTERNAL_PORT is PORT"), std::string::npos) << errors[0];
  config addr;  // an address at PORT would send the others to a port with no relay
  errors = load_config(addr, cluster_env({{"INTERNAL_PORT", "8081"}, {"INSTANCE_ADDR", "10.0.3.7:8080"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("INSTANCE_ADDR names PORT while INTERNAL_PORT is set"), std::string::npos) << errors[0];
  config on_port;
  EXPECT_TRUE(load_config(on_port, cluster_env()).empty());
  EXPECT_EQ(on_port.instance_address("pod-7"), "pod-7:8080");
  config named;
  EXPECT_TRUE(load_config(named, cluster_env({{"INTERNAL_PORT", "8081"}, {"INSTANCE_ADDR", "10.0.3.7:8081"}})).empty());
  EXPECT_EQ(named.instance_address("pod-7"), "10.0.3.7:8081");
  config alone;
  errors = load_config(alone, env({{"INTERNAL_PORT", "8081"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("INTERNAL_PORT is set without REDIS_URL"), std::string::npos) << errors[0];
  config bad;
  errors = load_config(bad, cluster_env({{"INTERNAL_PORT", "0"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("INTERNAL_PORT='0': expected a whole number from 1 to 65535", 0), 0u) << errors[0];
}

TEST(Config, TheClusterNeedsOneTokenSecretAndAnAddressTheOthersCanReach) {
  config c;
  auto errors = load_config(c, env({{"REDIS_URL", "redis://redis:6379"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("REDIS_URL is set but CALL_TOKEN_SECRET is not"), std::string::npos) << errors[0];

  config ok;
  EXPECT_TRUE(load_config(ok, env({{"REDIS_URL", "redis://:pw@redis:6380/2"},
                                   {"CALL_TOKEN_SECRET", "0123456789abcdef"},
                                   {"INSTANCE_ADDR", "10.0.3.7:8080"}}))
                  .empty());
  EXPECT_EQ(ok.instance_addr, "10.0.3.7:8080");
  config v6;  // an IPv6 pod: bracketed, as the URL the others dial takes it
  EXPECT_TRUE(load_config(v6, cluster_env({{"INSTANCE_ADDR", "[fd00:10:244::7]:8081"}})).empty());
  EXPECT_EQ(v6.instance_address("pod-7"), "[fd00:10:244::7]:8081");

  config port0;
  errors = load_config(port0, cluster_env({{"PORT", "0"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("set INSTANCE_ADDR"), std::string::npos) << errors[0];

  for (const char* bad : {"10.0.3.7", "10.0.3.7:0", "10.0.3.7:99999", ":8080", "http://10.0.3.7:8080", "a b:80", "::1:8080",
                          "[::1]", "[10.0.3.7]:8080", "[fe80::1%eth0]:8080", "[::1:8080", "[host]:8080", "10.0.3.7:80:8080", "host:+80", "10.0.3.7: 80"}) {
    config c2;
    errors = load_config(c2, env({{"INSTANCE_ADDR", bad}}));
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].rfind(std::string("INSTANCE_ADDR='") + bad + "': expected host:port", 0), 0u) << errors[0];
  }
  for (const char* every : {"0.0.0.0:8081", "[::]:8081", "[0::0]:8081"}) {  // HOST's value, not a peer's
    config c2;
    errors = load_config(c2, env({{"INSTANCE_ADDR", every}}));
    ASSERT_EQ(errors.size(), 1u) << every;
    EXPECT_NE(errors[0].find("not 0.0.0.0 or [::]"), std::string::npos) << errors[0];
  }
  // A Redis URL may hold a password: a refused one is never printed.
  config c3;
  errors = load_config(c3, env({{"REDIS_URL", "http://:hunter2@redis"}, {"CALL_TOKEN_SECRET", "0123456789abcdef"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find("hunter2"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].rfind("REDIS_URL=(hidden): expected redis://", 0), 0u) << errors[0];
}

TEST(Config, TheOpsTokenIsLongEnoughToGuessNeverAndIsNeverPrinted) {
  config c;
  EXPECT_TRUE(load_config(c, env({})).empty());
  EXPECT_EQ(c.ops_token, "");  // unset: /calls answers no one
  EXPECT_TRUE(load_config(c, env({{"OPS_TOKEN", "0pS-t0ken_for/calls"}})).empty());
  EXPECT_EQ(c.ops_token, "0pS-t0ken_for/calls");
  EXPECT_TRUE(load_config(c, env({{"OPS_TOKEN", std::string(16, 'k').c_str()}})).empty());
  EXPECT_TRUE(load_config(c, env({{"OPS_TOKEN", std::string(1024, 'k').c_str()}})).empty());
  auto too_short = std::string(15, 'k'), too_long = std::string(1025, 'k');
  for (const char* bad : {too_short.c_str(), too_long.c_str(), "a token with spaces", "tab\there-0123456789",
                          "caf\xc3\xa9-token-0123456789"}) {
    config d;
    auto errors = load_config(d, env({{"OPS_TOKEN", bad}}));
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].rfind("OPS_TOKEN=(hidden): expected 16 to 1024 visible ASCII characters", 0), 0u) << errors[0];
    EXPECT_EQ(d.ops_token, "");
  }
}

TEST(Config, TheTokenSecretMayComeFromAMountedFile) {
  auto dir = ::testing::TempDir();
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + name) << text;
    return dir + name;
  };
  config c;
  EXPECT_TRUE(load_config(c, env({{"CALL_TOKEN_SECRET_FILE", write("vg-secret", "0123456789abcdef0123\n")},
                                  {"REDIS_URL", "redis://redis"}}))
                  .empty());
  EXPECT_EQ(c.token_secret, "0123456789abcdef0123");  // the first line, without its newline

  for (const auto& path : {write("vg-short", "too-short\n"), write("vg-empty", ""), dir + "vg-missing"}) {
    config bad;
    auto errors = load_config(bad, env({{"CALL_TOKEN_SECRET_FILE", path}}));
    ASSERT_EQ(errors.size(), 1u) << path;
    EXPECT_EQ(errors[0].rfind("CALL_TOKEN_SECRET_FILE='" + path + "': expected a readable file", 0), 0u) << errors[0];
    EXPECT_EQ(errors[0].find("too-short"), std::string::npos);  // the file's content is never printed
  }
  config both;
  auto errors = load_config(both, env({{"CALL_TOKEN_SECRET", "0123456789abcdef"},
                                       {"CALL_TOKEN_SECRET_FILE", write("vg-secret2", "0123456789abcdefXYZ")}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("both set"), std::string::npos) << errors[0];
}
