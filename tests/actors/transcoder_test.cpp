// When the AI speaks another format (AI_AUDIO_FORMAT=pcm16), audio goes through the transcoder actor.
#include "actors/call.hpp"

#include "actor_fixture.hpp"
#include "actors/call_record.hpp"

using namespace voxgate;
using namespace voxgate::actors;
using voxgate::testing::ActorTest;
using voxgate::testing::fake_channel;

TEST_F(ActorTest, Pcm16AiGetsTranscodedAudioBothWays) {
  env->ai_format_for = [](codecs::audio_format) { return codecs::audio_format::pcm16(24000); };
  auto record = std::make_shared<call_record>();
  record->call.call_id = "CA1";
  record->call.provider = provider_named("twilio");
  auto call = spawn_call(sys, env, record);
  run();
  auto provider = std::make_shared<fake_channel>();
  caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info("CA1"));
  run();
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 1);
  // 20 ms of G.711 in (160 bytes) -> about 20 ms of 24 kHz PCM16 (960 bytes) to the AI.
  for (int i = 0; i < 5; ++i) {
    caf::anon_send(call, frame_atom::value, twilio_media(160, '\x10'));
    run();
  }
  std::size_t total = 0;
  for (const auto& e : ai->entries) total += std::stoul(e.substr(e.find(':') + 1));
  // Less the resampler filter delay (a few ms) still inside the filter.
  EXPECT_NEAR(static_cast<double>(total), 5 * 960.0, 300.0) << ::testing::PrintToString(ai->entries);
  // 100 ms of 24 kHz PCM16 from the AI (to where its audio goes: the transcoder, not the call) -> 100 ms
  // of G.711 to the provider.
  EXPECT_NE(caf::actor_cast<caf::actor>(ai->audio), caf::actor_cast<caf::actor>(call));
  caf::anon_send(ai->audio, ai_audio_atom::value, audio_chunk{codecs::audio_format::pcm16(24000), std::string(4800, '\0'), "it1"});
  run();
  ASSERT_EQ(provider->count("media"), 1u);
  rapidjson::Document d;
  d.Parse(provider->sent[0].c_str());
  auto bytes = codecs::base64::decode(d["media"]["payload"].GetString());
  ASSERT_TRUE(bytes);
  EXPECT_NEAR(static_cast<double>(bytes->size()), 800.0, 60.0);
  caf::anon_send_exit(call, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(metrics.actors_live.value_of({"transcoder"}), 0);
}
