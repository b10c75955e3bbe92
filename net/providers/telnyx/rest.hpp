// Telnyx Call Control REST commands as plain request values, and Telnyx's error answers understood.
// Bearer auth; deterministic command_id per logical action so Telnyx itself drops duplicates (60 s).
#pragma once

#include <string>
#include <string_view>

#include "codecs/audio_format.hpp"
#include "net/headers.hpp"

namespace voxgate::net::telnyx {

struct rest_request {
  std::string method = "POST";
  std::string url;
  header_list headers;
  std::string body;
};

struct stream_settings {
  std::string stream_url;  // wss://PUBLIC/telnyx/media/<token>
  std::string auth_token;  // the same token, sent back as x-telnyx-streaming-auth-token
  codecs::audio_format codec = codecs::audio_format::g711_ulaw();
  std::string client_state;  // base64; Telnyx echoes it in later webhooks and in the stream's start
};

// Whether the answer command can start the stream itself: it has no sampling-rate field, so L16 at
// other than 8 kHz is answered plainly and streamed with streaming_start on call.answered.
bool answer_can_stream(const codecs::audio_format& codec);
rest_request answer(std::string_view api_base, std::string_view api_key, std::string_view call_control_id,
                    const stream_settings& stream);
rest_request streaming_start(std::string_view api_base, std::string_view api_key, std::string_view call_control_id,
                             const stream_settings& stream);
rest_request hangup(std::string_view api_base, std::string_view api_key, std::string_view call_control_id);
rest_request send_dtmf(std::string_view api_base, std::string_view api_key, std::string_view call_control_id,
                       std::string_view digits);
rest_request transfer(std::string_view api_base, std::string_view api_key, std::string_view call_control_id,
                      std::string_view to);

// What an error answer means. Telnyx answers {"errors":[{"code":"90018","title":"...","detail":"..."}]}.
struct rest_error {
  unsigned status = 0;
  std::string code;
  std::string title;
  bool call_already_ended = false;  // 422 / 90018: the goal (a call that is over) is reached
  bool retryable = false;           // 429 and 5xx only; never 4xx
  // When the body is not Telnyx's error JSON (a proxy's HTML page, plain text, cut-off JSON): its
  // first bytes, printable ASCII only, so the log line shows what answered instead of `code= title=""`.
  std::string unreadable_body;
};
rest_error describe_error(unsigned status, std::string_view body);

}  // namespace voxgate::net::telnyx
