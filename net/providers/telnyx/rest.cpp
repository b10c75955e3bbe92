#include "net/providers/telnyx/rest.hpp"

#include <rapidjson/document.h>

#include "net/json.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/url.hpp"

namespace voxgate::net::telnyx {
namespace {

rest_request command(std::string_view base, std::string_view key, std::string_view ccid, std::string_view action,
                     std::string body) {
  rest_request r;
  std::string b(base);
  while (!b.empty() && b.back() == '/') b.pop_back();
  r.url = b + "/calls/" + percent_encode(ccid) + "/actions/" + std::string(action);
  r.headers.emplace_back("authorization", "Bearer " + std::string(key));
  r.headers.emplace_back("content-type", "application/json");
  r.headers.emplace_back("accept", "application/json");
  r.body = std::move(body);
  return r;
}

// `answer` takes the stream_* family but not stream_auth_token, stream_bidirectional_sampling_rate or
// custom_parameters (providers.md 5.3); streaming_start takes them all. The token also rides in the
// stream URL's path, which is what the upgrade checks.
std::string stream_fields(const stream_settings& s, bool for_answer) {
  std::string out = R"("stream_url":)" + json::quote(s.stream_url);
  out += R"(,"stream_track":"inbound_track","stream_bidirectional_mode":"rtp","stream_bidirectional_codec":)";
  out += json::quote(codec_name(s.codec));
  out += R"(,"stream_codec":)" + json::quote(codec_name(s.codec));
  if (!for_answer) {
    if (s.codec.enc == codecs::encoding::l16)
      out += R"(,"stream_bidirectional_sampling_rate":)" + std::to_string(s.codec.sample_rate);
    out += R"(,"stream_auth_token":)" + json::quote(s.auth_token);
  }
  return out;
}

std::string client_state_field(const stream_settings& s) {
  return s.client_state.empty() ? std::string() : R"("client_state":)" + json::quote(s.client_state) + ",";
}

}  // namespace

bool answer_can_stream(const codecs::audio_format& codec) {
  return codec.enc != codecs::encoding::l16 || codec.sample_rate == 8000;
}

rest_request answer(std::string_view base, std::string_view key, std::string_view ccid, const stream_settings& s) {
  std::string body = "{";
  if (answer_can_stream(s.codec)) body += stream_fields(s, true) + ",";
  body += client_state_field(s) + R"("command_id":)" + json::quote("voxgate-answer-" + std::string(ccid)) + "}";
  return command(base, key, ccid, "answer", std::move(body));
}

rest_request streaming_start(std::string_view base, std::string_view key, std::string_view ccid,
                             const stream_settings& s) {
  return command(
      base, key, ccid, "streaming_start",
      "{" + stream_fields(s, false) + "," + client_state_field(s) + R"("command_id":)" +
          json::quote("voxgate-stream-" + std::string(ccid)) + "}");
}

rest_request hangup(std::string_view base, std::string_view key, std::string_view ccid) {
  return command(base, key, ccid, "hangup",
                 R"({"command_id":)" + json::quote("voxgate-hangup-" + std::string(ccid)) + "}");
}

rest_request send_dtmf(std::string_view base, std::string_view key, std::string_view ccid, std::string_view digits) {
  return command(base, key, ccid, "send_dtmf", R"({"digits":)" + json::quote(digits) + "}");
}

rest_request transfer(std::string_view base, std::string_view key, std::string_view ccid, std::string_view to) {
  return command(base, key, ccid, "transfer", R"({"to":)" + json::quote(to) + "}");
}

rest_error describe_error(unsigned status, std::string_view body) {
  rest_error e;
  e.status = status;
  rapidjson::Document d;
  if (json::parse(d, body).empty() && d.IsObject()) {
    const auto* errors = json::member(d, "errors");
    if (errors && errors->IsArray() && !errors->Empty() && (*errors)[0].IsObject()) {
      e.code = std::string(json::string_or((*errors)[0], "code"));
      e.title = std::string(json::string_or((*errors)[0], "title", json::string_or((*errors)[0], "detail")));
    }
  }
  if (e.code.empty() && e.title.empty()) {
    // A hostile or broken peer's body goes into a log line: bounded, and nothing that could end the
    // line or forge another one.
    constexpr std::size_t shown = 80;
    for (char c : body.substr(0, shown)) e.unreadable_body += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (body.size() > shown) e.unreadable_body += "... (" + std::to_string(body.size()) + " bytes)";
    if (body.empty()) e.unreadable_body = "(empty)";
  }
  e.call_already_ended = status == 422 && e.code == "90018";
  e.retryable = status == 429 || status >= 500;
  return e;
}

}  // namespace voxgate::net::telnyx
