// The built-in local agent: greets, hears the caller with an energy VAD, plays their words back.
#include "actor_fixture.hpp"
#include "actors/ai/local.hpp"
#include "actors/prompts.hpp"
#include "codecs/g711.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using namespace voxgate::actors::ai;
using voxgate::testing::ActorTest;

namespace {

// Records what the local agent tells its call.
struct listener_log {
  std::vector<std::string> events;
  std::size_t audio_bytes = 0;
};

ai_listener::behavior_type listener(ai_listener::pointer, std::shared_ptr<listener_log> log) {
  return {
      [log](ai_audio_atom, audio_chunk& c) {
        log->audio_bytes += c.bytes.size();
        log->events.push_back("audio:" + c.item_id);
      },
      [log](speech_atom) { log->events.push_back("speech"); },
      [log](speech_end_atom, std::uint32_t ms) { log->events.push_back("speech_end:" + std::to_string(ms)); },
      [log](ai_state_atom, ai_state s) { log->events.push_back(std::string(to_string(s))); },
      [log](tool_atom, tool_call&) { log->events.push_back("tool"); },
      [log](usage_atom, ai_usage&) { log->events.push_back("usage"); },
  };
}

audio_chunk frame(std::int16_t amplitude) {
  // 20 ms of G.711 mu-law: a square wave at `amplitude` (0 = silence).
  std::string bytes(160, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] =
        static_cast<char>(codecs::g711::linear_to_ulaw(static_cast<std::int16_t>(i % 16 < 8 ? amplitude : -amplitude)));
  return {codecs::audio_format::g711_ulaw(), bytes, {}};
}

}  // namespace

TEST_F(ActorTest, LocalAgentGreetsThenEchoesTheCallersTurnAfterAPause) {
  auto log = std::make_shared<listener_log>();
  auto l = sys.spawn(listener, log);
  local_agent_options options;
  options.metrics = &metrics;
  auto agent =
      spawn_local_session(sys, options, ai_session_args{"CA1", l, l, agent_settings{}, codecs::audio_format::g711_ulaw()});
  run();
  ASSERT_GE(log->events.size(), 2u);
  EXPECT_EQ(log->events[0], "ready");
  EXPECT_EQ(log->events[1], "audio:local-greeting");
  auto greeting_bytes = log->audio_bytes;
  // The spoken greeting, whole: a person notices it (more than a second and a half of speech).
  EXPECT_EQ(greeting_bytes, prompts::encoded(prompts::prompt::greeting, codecs::audio_format::g711_ulaw()).size());
  EXPECT_GT(greeting_bytes, 12000u);
  log->events.clear();
  for (int i = 0; i < 3; ++i) caf::anon_send(agent, caller_atom::value, frame(0));
  run();
  EXPECT_TRUE(log->events.empty());                                                     // silence is not speech
  for (int i = 0; i < 25; ++i) caf::anon_send(agent, caller_atom::value, frame(4000));  // 500 ms of speech
  run();
  ASSERT_FALSE(log->events.empty());
  EXPECT_EQ(log->events[0], "speech");  // reported like a real AI, so barge-in works
  for (int i = 0; i < 40; ++i) caf::anon_send(agent, caller_atom::value, frame(0));  // 800 ms pause
  run();
  EXPECT_NE(std::find(log->events.begin(), log->events.end(), "speech_stopped"), log->events.end());
  EXPECT_NE(std::find(log->events.begin(), log->events.end(), "audio:local-1"), log->events.end());
  EXPECT_EQ(log->events.back(), "response_done");
  // It played back the caller's turn: the speech plus the pause that ended it (~1.2 s).
  EXPECT_GE(log->audio_bytes - greeting_bytes, 25u * 160u);
  caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(l, caf::exit_reason::user_shutdown);
  run();
}
