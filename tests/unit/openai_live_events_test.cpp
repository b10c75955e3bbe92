// GPT-Live's wire text: client events read back field by field, and server events parsed from the
// literal shapes in ../shared/reference/openai-live.md (not from our own builders).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/ai/openai_live/client_events.hpp"
#include "net/ai/openai_live/server_events.hpp"

using namespace voxgate;
using namespace voxgate::net::ai::openai_live;

namespace {

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

}  // namespace

TEST(OpenAiLiveClientEvents, SessionStartCarriesOnlyTheDocumentedFields) {
  session_config c;
  c.instructions = "Be \"brief\".";
  c.voice = "cedar";
  auto d = parsed(session_start(c, "start_1"));
  EXPECT_STREQ(d["type"].GetString(), "session.start");
  EXPECT_STREQ(d["event_id"].GetString(), "start_1");
  const auto& s = d["session"];
  EXPECT_STREQ(s["model"].GetString(), "gpt-live-1");
  EXPECT_STREQ(s["instructions"].GetString(), "Be \"brief\".");
  EXPECT_STREQ(s["audio"]["format"]["type"].GetString(), "audio/pcmu");
  EXPECT_EQ(s["audio"]["format"]["rate"].GetInt(), 8000);  // required by GPT-Live, refused by Realtime
  EXPECT_STREQ(s["audio"]["output"]["voice"].GetString(), "cedar");
  EXPECT_STREQ(s["delegation"]["type"].GetString(), "client");
  EXPECT_FALSE(s["store"].GetBool());
  // The strict schema: nothing of Realtime's.
  for (const char* realtime : {"type", "tools", "output_modalities", "turn_detection", "tool_choice"})
    EXPECT_FALSE(s.HasMember(realtime)) << realtime;
  EXPECT_EQ(s.MemberCount(), 5u);  // model, instructions, audio, delegation, store
  EXPECT_EQ(s["audio"].MemberCount(), 2u);
}

TEST(OpenAiLiveClientEvents, ResponsesDelegationNamesItsModelAndTools) {
  session_config c;
  c.format = codecs::audio_format::g711_alaw();
  c.delegation = delegation_mode::responses;
  c.responses_model = "gpt-5.5";
  c.responses_tools = R"([{"type":"function","name":"lookup","parameters":{"type":"object"}}])";
  auto d = parsed(session_start(c));
  EXPECT_STREQ(d["session"]["audio"]["format"]["type"].GetString(), "audio/pcma");
  const auto& del = d["session"]["delegation"];
  EXPECT_STREQ(del["type"].GetString(), "responses");
  EXPECT_STREQ(del["responses"]["model"].GetString(), "gpt-5.5");
  EXPECT_STREQ(del["responses"]["tools"][0]["name"].GetString(), "lookup");
}

TEST(OpenAiLiveClientEvents, FormatsAreTheOnesThePrimarySocketTakes) {
  EXPECT_EQ(format_json(codecs::audio_format::g711_ulaw()), R"({"type":"audio/pcmu","rate":8000})");
  EXPECT_EQ(format_json(codecs::audio_format::pcm16(16000)), R"({"type":"audio/pcm","rate":16000})");
  EXPECT_TRUE(live_format(codecs::audio_format::g711_alaw()));
  EXPECT_TRUE(live_format(codecs::audio_format::pcm16(24000)));
  EXPECT_FALSE(live_format(codecs::audio_format::pcm16(8000)));
}

TEST(OpenAiLiveClientEvents, AppendsCommentaryToolOutputAndClose) {
  std::string append;
  std::uint8_t audio[3] = {0xff, 0x7f, 0x00};
  input_audio_append(audio, append);
  auto a = parsed(append);
  EXPECT_STREQ(a["type"].GetString(), "session.input_audio.append");
  EXPECT_EQ(*codecs::base64::decode(a["audio"].GetString()), std::string("\xff\x7f\x00", 3));
  EXPECT_EQ(instructions_append("The caller pressed 5."),
            R"({"type":"session.instructions.append","content":"The caller pressed 5.","delegation_id":null})");
  EXPECT_EQ(commentary_append("Ships Friday.", "del_1"),
            R"({"type":"session.commentary.append","content":"Ships Friday.","delegation_id":"del_1"})");
  auto out = parsed(function_call_output("call_9", R"({"ok":true})"));
  EXPECT_STREQ(out["type"].GetString(), "response.item.create");
  EXPECT_STREQ(out["item"]["type"].GetString(), "function_call_output");
  EXPECT_STREQ(out["item"]["call_id"].GetString(), "call_9");
  EXPECT_STREQ(out["item"]["output"].GetString(), R"({"ok":true})");
  EXPECT_EQ(response_create(), R"({"type":"response.create"})");
  EXPECT_EQ(session_close(), R"({"type":"session.close"})");
}

TEST(OpenAiLiveServerEvents, TheDocumentedShapesParse) {
  server_event ev;
  std::string started =
      R"({"type":"session.started","event_id":"event_1","client_event_id":"start_1","session":{"id":"live_abc","model":"gpt-live-1","status":"active","expires_at":1767225600,"audio":{"format":{"type":"audio/pcmu","rate":8000}}}})";
  ASSERT_EQ(parse_server_event(started, ev), "");
  EXPECT_EQ(ev.kind, server_kind::session_started);
  EXPECT_EQ(ev.session_id, "live_abc");
  EXPECT_EQ(ev.expires_at, 1767225600);

  std::string delta = R"({"type":"session.output_audio.delta","delta":"/38A"})";
  ASSERT_EQ(parse_server_event(delta, ev), "");
  EXPECT_EQ(ev.kind, server_kind::audio_delta);
  EXPECT_EQ(ev.delta, "/38A");

  std::string heard =
      R"({"type":"session.input_transcript.delta","event_id":"e","delta":"What is","start_ms":1200,"end_ms":1800})";
  ASSERT_EQ(parse_server_event(heard, ev), "");
  EXPECT_EQ(ev.kind, server_kind::input_transcript);
  EXPECT_EQ(ev.delta, "What is");
  std::string said = R"({"type":"session.output_transcript.delta","event_id":"e","delta":"Let me check"})";
  ASSERT_EQ(parse_server_event(said, ev), "");
  EXPECT_EQ(ev.kind, server_kind::output_transcript);

  std::string delegated =
      R"({"type":"session.delegation.created","event_id":"e","offset_ms":4600,"delegation":{"id":"del_1","type":"delegation","target":"client"}})";
  ASSERT_EQ(parse_server_event(delegated, ev), "");
  EXPECT_EQ(ev.kind, server_kind::delegation);
  EXPECT_EQ(ev.delegation_id, "del_1");
  EXPECT_EQ(ev.target, "client");

  std::string usage =
      R"({"type":"session.usage.updated","event_id":"e","usage":{"seconds":42.5},"context_window":{"usage_ratio":0.31}})";
  ASSERT_EQ(parse_server_event(usage, ev), "");
  EXPECT_EQ(ev.kind, server_kind::usage);
  EXPECT_DOUBLE_EQ(ev.usage_seconds, 42.5);

  std::string closed =
      R"({"type":"session.closed","event_id":"e","reason":"expired","session":{"id":"live_abc"},"usage":{"seconds":61}})";
  ASSERT_EQ(parse_server_event(closed, ev), "");
  EXPECT_EQ(ev.kind, server_kind::closed);
  EXPECT_EQ(ev.reason, "expired");
  EXPECT_DOUBLE_EQ(ev.usage_seconds, 61);

  std::string error =
      R"({"type":"error","event_id":"e","client_event_id":"start_1","error":{"type":"invalid_request_error","code":"unknown_parameter","message":"Unknown parameter","param":"session.voice","client_event_id":"start_1"}})";
  ASSERT_EQ(parse_server_event(error, ev), "");
  EXPECT_EQ(ev.kind, server_kind::error);
  EXPECT_EQ(ev.error_code, "unknown_parameter");
  EXPECT_EQ(ev.param, "session.voice");
}

TEST(OpenAiLiveServerEvents, OnlyACompletedFunctionCallInsideResponseEventIsATool) {
  server_event ev;
  std::string call =
      R"({"type":"response.event","delegation_id":"d1","event":{"type":"response.output_item.done","item":{"type":"function_call","status":"completed","call_id":"call_1","name":"lookup_order","arguments":"{\"order_id\":\"A123\"}"}}})";
  ASSERT_EQ(parse_server_event(call, ev), "");
  EXPECT_EQ(ev.kind, server_kind::function_call);
  EXPECT_EQ(ev.call_id, "call_1");
  EXPECT_EQ(ev.name, "lookup_order");
  EXPECT_EQ(ev.arguments, R"({"order_id":"A123"})");
  std::string cut_short =
      R"({"type":"response.event","event":{"type":"response.output_item.done","item":{"type":"function_call","status":"incomplete","call_id":"c","name":"n"}}})";
  ASSERT_EQ(parse_server_event(cut_short, ev), "");
  EXPECT_EQ(ev.kind, server_kind::other);
  std::string text = R"({"type":"response.event","event":{"type":"response.output_text.delta","delta":"hi"}})";
  ASSERT_EQ(parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, server_kind::other);
}

TEST(OpenAiLiveServerEvents, UnknownTypesAreIgnoredAndBrokenFramesRefused) {
  server_event ev;
  std::string later = R"({"type":"session.triggers.fired","event_id":"e"})";
  ASSERT_EQ(parse_server_event(later, ev), "");
  EXPECT_EQ(ev.kind, server_kind::other);
  for (std::string bad : {std::string("not json"), std::string(R"({"no":"type"})"),
                          std::string(R"({"type":"session.output_audio.delta"})"),
                          std::string(R"({"type":"session.delegation.created","delegation":{}})"),
                          std::string(R"({"type":"response.event"})")})
    EXPECT_NE(parse_server_event(bad, ev), "") << bad;
}
