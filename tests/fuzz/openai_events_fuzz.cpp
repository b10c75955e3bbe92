// OpenAI Realtime: any text through parse_server_event, and every client event the gateway builds,
// with any strings in it, is a JSON object RapidJSON reads back.
#include <fuzzer/FuzzedDataProvider.h>

#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_json.hpp"

namespace json = voxgate::net::json;
namespace openai = voxgate::net::ai::openai_realtime;
using voxgate::fuzz::inside;

using voxgate::fuzz::json_field;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(voxgate::fuzz::as_text(data, size));
  openai::server_event ev;
  if (openai::parse_server_event(text, ev).empty()) {
    std::string_view whole(text);
    for (auto v : {ev.type, ev.item_id, ev.response_id, ev.delta, ev.call_id, ev.name, ev.status, ev.error_code,
                   ev.message})
      FUZZ_CHECK(inside(v, whole));
    FUZZ_CHECK(!ev.type.empty() || ev.kind == openai::server_kind::other);
    if (ev.kind == openai::server_kind::function_call_done) FUZZ_CHECK(!ev.call_id.empty() && !ev.name.empty());
  }

  FuzzedDataProvider in(data, size);
  auto a = in.ConsumeRandomLengthString(100);
  auto b = in.ConsumeRandomLengthString(300);
  auto ms = in.ConsumeIntegral<std::uint32_t>();
  auto audio = in.ConsumeRemainingBytes<std::uint8_t>();

  auto msg = openai::item_truncate(a, ms);
  FUZZ_CHECK(json_field(msg, "item_id") == a);
  msg = openai::function_call_output(a, b);
  FUZZ_CHECK(json_field(msg, "item", "call_id") == a && json_field(msg, "item", "output") == b);
  msg = openai::user_text_item(b);
  FUZZ_CHECK(json_field(msg, "type") == "conversation.item.create");
  msg.clear();
  openai::input_audio_append(audio, msg);
  FUZZ_CHECK(json_field(msg, "audio") == voxgate::codecs::base64::encode(audio));
  openai::session_config config;
  config.instructions = b;
  config.voice = a;
  FUZZ_CHECK(json_field(openai::session_update(config), "type") == "session.update");

  // What the server sends, built with any strings, parses into the same fields.
  std::string delta = R"({"type":"response.output_audio.delta","item_id":)" + json::quote(a) +
                      R"(,"response_id":"resp_1","delta":)" + json::quote(b) + "}";
  FUZZ_CHECK(openai::parse_server_event(delta, ev).empty() && ev.kind == openai::server_kind::audio_delta);
  FUZZ_CHECK(ev.item_id == a && ev.delta == b && ev.response_id == "resp_1");
  return 0;
}
