#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"

using namespace voxgate;
using namespace voxgate::net::ai::openai_realtime;

TEST(OpenAiClientEvents, SessionUpdateAsksForPcmuBothWaysAndExplicitVad) {
  session_config c;
  c.instructions = "Be \"brief\".";
  c.voice = "cedar";
  c.tools_json = R"([{"type":"function","name":"lookup","parameters":{"type":"object"}}])";
  rapidjson::Document d;
  auto text = session_update(c);
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError()) << text;
  const auto& s = d["session"];
  EXPECT_STREQ(s["type"].GetString(), "realtime");
  EXPECT_STREQ(s["instructions"].GetString(), "Be \"brief\".");
  EXPECT_STREQ(s["audio"]["input"]["format"]["type"].GetString(), "audio/pcmu");
  EXPECT_STREQ(s["audio"]["output"]["format"]["type"].GetString(), "audio/pcmu");
  EXPECT_STREQ(s["audio"]["output"]["voice"].GetString(), "cedar");
  const auto& vad = s["audio"]["input"]["turn_detection"];
  EXPECT_STREQ(vad["type"].GetString(), "server_vad");
  EXPECT_TRUE(vad["create_response"].GetBool());
  EXPECT_TRUE(vad["interrupt_response"].GetBool());
  EXPECT_STREQ(s["tools"][0]["name"].GetString(), "lookup");
}

TEST(OpenAiClientEvents, Pcm16FormatNamesItsRate) {
  EXPECT_EQ(format_json(codecs::audio_format::pcm16(24000)), R"({"type":"audio/pcm","rate":24000})");
  EXPECT_EQ(format_json(codecs::audio_format::g711_alaw()), R"({"type":"audio/pcma"})");
}

TEST(OpenAiClientEvents, AppendTruncateAndToolOutputAreWellFormed) {
  std::string append;
  std::uint8_t audio[4] = {1, 2, 3, 4};
  input_audio_append(audio, append);
  rapidjson::Document d;
  d.Parse(append.c_str());
  EXPECT_STREQ(d["type"].GetString(), "input_audio_buffer.append");
  EXPECT_EQ(*codecs::base64::decode(d["audio"].GetString()), std::string("\1\2\3\4"));
  d.Parse(item_truncate("item_1", 1234).c_str());
  EXPECT_STREQ(d["type"].GetString(), "conversation.item.truncate");
  EXPECT_STREQ(d["item_id"].GetString(), "item_1");
  EXPECT_EQ(d["content_index"].GetInt(), 0);
  EXPECT_EQ(d["audio_end_ms"].GetInt(), 1234);
  d.Parse(response_cancel().c_str());
  EXPECT_STREQ(d["type"].GetString(), "response.cancel");
  d.Parse(user_text_item("pressed 5").c_str());
  EXPECT_STREQ(d["item"]["content"][0]["text"].GetString(), "pressed 5");
  d.Parse(function_call_output("call_9", R"({"ok":true})").c_str());
  EXPECT_STREQ(d["item"]["type"].GetString(), "function_call_output");
  EXPECT_STREQ(d["item"]["call_id"].GetString(), "call_9");
  EXPECT_STREQ(d["item"]["output"].GetString(), R"({"ok":true})");
}

TEST(OpenAiServerEvents, ParsesTheEventsTheGatewayActsOn) {
  server_event ev;
  std::string delta =
      R"({"type":"response.output_audio.delta","event_id":"e","response_id":"r1","item_id":"it1","output_index":0,"content_index":0,"delta":"AAEC"})";
  ASSERT_EQ(parse_server_event(delta, ev), "");
  EXPECT_EQ(ev.kind, server_kind::audio_delta);
  EXPECT_EQ(ev.item_id, "it1");
  EXPECT_EQ(ev.delta, "AAEC");
  std::string speech = R"({"type":"input_audio_buffer.speech_started","audio_start_ms":1500,"item_id":"it2"})";
  ASSERT_EQ(parse_server_event(speech, ev), "");
  EXPECT_EQ(ev.kind, server_kind::speech_started);
  EXPECT_EQ(ev.audio_ms, 1500u);
  std::string tool =
      R"({"type":"response.function_call_arguments.done","call_id":"c1","name":"lookup","arguments":"{\"id\":\"7\"}"})";
  ASSERT_EQ(parse_server_event(tool, ev), "");
  EXPECT_EQ(ev.kind, server_kind::function_call_done);
  EXPECT_EQ(ev.name, "lookup");
  EXPECT_EQ(ev.arguments, R"({"id":"7"})");
  std::string done = R"({"type":"response.done","response":{"id":"r1","status":"cancelled"}})";
  ASSERT_EQ(parse_server_event(done, ev), "");
  EXPECT_EQ(ev.kind, server_kind::response_done);
  EXPECT_EQ(ev.status, "cancelled");
  std::string err =
      R"({"type":"error","error":{"type":"invalid_request_error","code":"session_expired","message":"Your session hit the maximum duration."}})";
  ASSERT_EQ(parse_server_event(err, ev), "");
  EXPECT_EQ(ev.kind, server_kind::error);
  EXPECT_EQ(ev.error_code, "session_expired");
  std::string other = R"({"type":"rate_limits.updated","rate_limits":[]})";
  ASSERT_EQ(parse_server_event(other, ev), "");
  EXPECT_EQ(ev.kind, server_kind::other);
}

TEST(OpenAiServerEvents, RefusesMalformedEvents) {
  server_event ev;
  for (std::string bad :
       {std::string("{"), std::string(R"({"no":"type"})"), std::string(R"({"type":"response.output_audio.delta"})"),
        std::string(R"({"type":"response.function_call_arguments.done","name":"x"})")})
    EXPECT_NE(parse_server_event(bad, ev), "") << bad;
}
