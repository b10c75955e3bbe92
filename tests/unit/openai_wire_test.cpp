// Literal wire texts copied from OpenAI's Realtime documentation (../shared/reference/), checked against the
// gateway's own parsers and builders. The fakes are built on those same parsers and builders, so a
// misread field would pass there on both sides; these tests do not: inputs are literals, expected
// outputs are literals read with plain RapidJSON (tests/unit/wire_literals).
// Kinds already held to a documented literal in openai_events_test.cpp are not repeated here.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/headers.hpp"
#include "net/providers/media_dialect.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"
#include "tests/unit/wire_literals.hpp"

namespace voxgate::net {
namespace {

using testing::documented_audio;
using testing::json_difference;
using testing::xml_outline;

// The Realtime dialect, as the tests below were written against it.
namespace openai = ai::openai_realtime;


// ---------------------------------------------------------------------------------------------
// OpenAI Realtime (GA), client events

// ai-realtime.md 1.2: the telephony example. `model` (set in the URL instead, 1.1),
// `transcription` (off by default) and `max_output_tokens` (default "inf") are optional; anything
// else, such as the beta-only `temperature` or `modalities`, is not part of the GA session.
TEST(OpenAiWire, SessionUpdateIsTheDocumentedTelephonyConfiguration) {
  openai::session_config c;
  c.instructions = "...";
  c.voice = "marin";
  c.input_format = codecs::audio_format::g711_ulaw();
  c.output_format = codecs::audio_format::g711_ulaw();
  c.tools_json = R"([{"type":"function","name":"lookup_order","description":"...",)"
                 R"("parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}])";
  auto out = openai::session_update(c);
  EXPECT_EQ(json_difference(R"({"type":"session.update","session":{
  "type":"realtime","output_modalities":["audio"],
  "instructions":"...",
  "audio":{
    "input":{"format":{"type":"audio/pcmu"},
             "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                               "silence_duration_ms":500,"create_response":true,"interrupt_response":true}},
    "output":{"format":{"type":"audio/pcmu"},"voice":"marin"}},
  "tools":[{"type":"function","name":"lookup_order","description":"...",
            "parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}],
  "tool_choice":"auto"}})",
                            out,
                            {}, {"/session/model", "/session/audio/input/transcription", "/session/max_output_tokens"}),
            "")
      << out;
}

// ai-realtime.md 1.4: input_audio_buffer.append with `audio` base64 in the session's input format.
TEST(OpenAiWire, InputAudioAppendIsTheDocumentedEvent) {
  std::string out;
  openai::input_audio_append(documented_audio, out);
  EXPECT_EQ(json_difference(R"({"type":"input_audio_buffer.append","audio":"no+JhoaJjpzS"})", out), "") << out;
}

// ai-realtime.md 1.8 step 2c: {"type":"conversation.item.truncate","item_id":...,"content_index":0,
// "audio_end_ms":...}.
TEST(OpenAiWire, ItemTruncateIsTheDocumentedEvent) {
  auto out = openai::item_truncate("item_CbWl8v0wnq", 1840);
  EXPECT_EQ(json_difference(
                R"({"type":"conversation.item.truncate","item_id":"item_CbWl8v0wnq","content_index":0,"audio_end_ms":1840})",
                out),
            "")
      << out;
}

// ai-realtime.md 1.4 (item shapes): user text is a message with one input_text part.
TEST(OpenAiWire, UserTextItemIsTheDocumentedConversationItem) {
  auto out = openai::user_text_item("The caller pressed 5.");
  EXPECT_EQ(json_difference(R"({"type":"conversation.item.create","item":)"
                            R"({"type":"message","role":"user","content":[{"type":"input_text","text":"The caller pressed 5."}]}})",
                            out),
            "")
      << out;
}

// ai-realtime.md 1.9 step 3: the function result, `output` a string holding JSON.
TEST(OpenAiWire, FunctionCallOutputIsTheDocumentedConversationItem) {
  auto out = openai::function_call_output("call_7pQ2", R"({"status":"shipped"})");
  EXPECT_EQ(json_difference(R"({"type":"conversation.item.create","item":)"
                            R"({"type":"function_call_output","call_id":"call_7pQ2","output":"{\"status\":\"shipped\"}"}})",
                            out),
            "")
      << out;
}

// ai-realtime.md 1.9 step 4 and 1.4: response.create (response overrides optional) and
// response.cancel (response_id optional).
TEST(OpenAiWire, ResponseCreateAndCancelAreTheDocumentedEvents) {
  EXPECT_EQ(json_difference(R"({"type":"response.create"})", openai::response_create()), "");
  EXPECT_EQ(json_difference(R"({"type":"response.cancel"})", openai::response_cancel()), "");
}

// ---------------------------------------------------------------------------------------------
// OpenAI Realtime (GA), server events

// ai-realtime.md 1.1 and 1.5: session.created is the first event, with the full effective session
// (fields from 1.2, some null).
TEST(OpenAiWire, SessionCreatedFromTheDocsParsesAsSessionCreated) {
  std::string text = R"({"type":"session.created","event_id":"event_C9G5RJeJ2gF77mV7f2B1j","session":{
  "type":"realtime","id":"sess_C9G5QPteg4UIbotdKLoYQ","model":"gpt-realtime","output_modalities":["audio"],
  "instructions":"Your knowledge cutoff is 2023-10.",
  "audio":{
    "input":{"format":{"type":"audio/pcm","rate":24000},"noise_reduction":null,"transcription":null,
             "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                               "silence_duration_ms":200,"idle_timeout_ms":null,
                               "create_response":true,"interrupt_response":true}},
    "output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin","speed":1.0}},
  "tools":[],"tool_choice":"auto","max_output_tokens":"inf","truncation":"auto","prompt":null,
  "tracing":null,"include":null}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::session_created);
  EXPECT_EQ(ev.type, "session.created");
}

// ai-realtime.md 1.1 and 1.5: session.updated answers session.update with the effective session.
TEST(OpenAiWire, SessionUpdatedFromTheDocsParsesAsSessionUpdated) {
  std::string text = R"({"type":"session.updated","event_id":"event_C9G8mqI3IucaojlVKE8Cs","session":{
  "type":"realtime","model":"gpt-realtime","output_modalities":["audio"],"instructions":"...",
  "audio":{"input":{"format":{"type":"audio/pcmu"},"turn_detection":{"type":"server_vad"}},
           "output":{"format":{"type":"audio/pcmu"},"voice":"marin"}},
  "tools":[],"tool_choice":"auto","max_output_tokens":"inf"}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::session_updated);
}

// ai-realtime.md 1.5: input_audio_buffer.speech_stopped {audio_end_ms, item_id}.
TEST(OpenAiWire, SpeechStoppedFromTheDocsCarriesItsEndOffset) {
  std::string text =
      R"({"type":"input_audio_buffer.speech_stopped","event_id":"event_7","audio_end_ms":2300,"item_id":"item_003"})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::speech_stopped);
  EXPECT_EQ(ev.audio_ms, 2300u);
  EXPECT_EQ(ev.item_id, "item_003");
}

// ai-realtime.md 1.5 and 1.9: response.function_call_arguments.done with its whole field set
// {response_id, item_id, output_index, call_id, name, arguments (a JSON-encoded string)}.
TEST(OpenAiWire, FunctionCallArgumentsDoneFromTheDocsCarriesCallIdNameAndArguments) {
  std::string text = R"({"type":"response.function_call_arguments.done","event_id":"event_9",)"
                     R"("response_id":"resp_002","item_id":"fc_001","output_index":0,"call_id":"call_7pQ2",)"
                     R"("name":"lookup_order","arguments":"{\"id\":\"A-17\"}"})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::function_call_done);
  EXPECT_EQ(ev.call_id, "call_7pQ2");
  EXPECT_EQ(ev.name, "lookup_order");
  EXPECT_EQ(ev.arguments, R"({"id":"A-17"})");
  EXPECT_EQ(ev.item_id, "fc_001");
}

// ai-realtime.md 1.6: the error example verbatim, with its null `param` and `event_id`.
TEST(OpenAiWire, ErrorFromTheDocsCarriesCodeAndMessage) {
  std::string text = R"({"type":"error","event_id":"event_...","error":{
  "type":"invalid_request_error","code":"session_expired",
  "message":"Your session hit the maximum duration of 15 minutes.","param":null,"event_id":null}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::error);
  EXPECT_EQ(ev.error_code, "session_expired");
  EXPECT_EQ(ev.message, "Your session hit the maximum duration of 15 minutes.");
}

}  // namespace
}  // namespace voxgate::net
