// OpenAI GPT-Live: any text through parse_server_event, and every client event the gateway builds,
// with any strings in it, is a JSON object RapidJSON reads back with those strings.
#include <fuzzer/FuzzedDataProvider.h>

#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/ai/openai_live/client_events.hpp"
#include "net/ai/openai_live/server_events.hpp"
#include "net/json.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_json.hpp"

namespace json = voxgate::net::json;
namespace live = voxgate::net::ai::openai_live;
using voxgate::fuzz::inside;

using voxgate::fuzz::json_field;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(voxgate::fuzz::as_text(data, size));
  live::server_event ev;
  if (live::parse_server_event(text, ev).empty()) {
    std::string_view whole(text);
    for (auto v : {ev.type, ev.delta, ev.session_id, ev.delegation_id, ev.target, ev.call_id, ev.name, ev.arguments,
                   ev.reason, ev.error_code, ev.message, ev.param})
      FUZZ_CHECK(v.empty() || inside(v, whole) || v == "{}" || v == "client");  // or a field's default
    if (ev.kind == live::server_kind::function_call) FUZZ_CHECK(!ev.call_id.empty() && !ev.name.empty());
    if (ev.kind == live::server_kind::delegation) FUZZ_CHECK(!ev.delegation_id.empty());
    FUZZ_CHECK(ev.usage_seconds >= 0);
  }

  FuzzedDataProvider in(data, size);
  auto a = in.ConsumeRandomLengthString(100);
  auto b = in.ConsumeRandomLengthString(300);
  auto audio = in.ConsumeRemainingBytes<std::uint8_t>();

  FUZZ_CHECK(json_field(live::commentary_append(b, a), "content") == b);
  FUZZ_CHECK(json_field(live::instructions_append(b), "content") == b);
  auto out = live::function_call_output(a, b);
  FUZZ_CHECK(json_field(out, "item", "call_id") == a && json_field(out, "item", "output") == b);
  std::string append;
  live::input_audio_append(audio, append);
  FUZZ_CHECK(json_field(append, "audio") == voxgate::codecs::base64::encode(audio));
  live::session_config config;
  config.instructions = b;
  config.voice = a;
  config.model = a;
  FUZZ_CHECK(json_field(live::session_start(config), "session", "instructions") == b);

  // What the server sends, built with any strings, parses into the same fields.
  std::string delta = R"({"type":"session.input_transcript.delta","delta":)" + json::quote(b) + "}";
  FUZZ_CHECK(live::parse_server_event(delta, ev).empty() && ev.kind == live::server_kind::input_transcript);
  FUZZ_CHECK(ev.delta == b);
  return 0;
}
