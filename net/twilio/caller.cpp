#include "net/twilio/caller.hpp"

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/json.hpp"

namespace voxgate::net::twilio {

std::string random_sid(std::string_view prefix) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(prefix);
  for (unsigned char c : crypto::random_bytes(16)) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

param_list voice_webhook_form(std::string_view call_sid) {
  return {{"AccountSid", std::string(simulated_account_sid)},
          {"ApiVersion", "2010-04-01"},
          {"CallSid", std::string(call_sid)},
          {"CallStatus", "ringing"},
          {"Direction", "inbound"},
          {"From", "+15005550006"},
          {"To", "+15005550006"}};
}

std::string connected_message() { return R"({"event":"connected","protocol":"Call","version":"1.0.0"})"; }

std::string start_message(std::string_view stream_sid, std::string_view call_sid, const param_list& custom_parameters) {
  std::string params;
  for (const auto& [k, v] : custom_parameters) {
    if (!params.empty()) params += ',';
    json::append_string(params, k);
    params += ':';
    json::append_string(params, v);
  }
  std::string out =
      R"({"event":"start","sequenceNumber":"1","start":{"accountSid":)" + json::quote(simulated_account_sid);
  out += R"(,"streamSid":)" + json::quote(stream_sid) + R"(,"callSid":)" + json::quote(call_sid);
  out += R"(,"tracks":["inbound"],"customParameters":{)" + params;
  out += R"(},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":)" +
         json::quote(stream_sid) + "}";
  return out;
}

std::string media_message(std::string_view stream_sid, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view raw_mulaw) {
  return R"({"event":"media","sequenceNumber":")" + std::to_string(sequence) +
         R"(","media":{"track":"inbound","chunk":")" + std::to_string(chunk) + R"(","timestamp":")" +
         std::to_string((chunk - 1) * 20) + R"(","payload":")" + codecs::base64::encode(raw_mulaw) +
         R"("},"streamSid":)" + json::quote(stream_sid) + "}";
}

std::string mark_echo(std::string_view stream_sid, std::string_view name) {
  return R"({"event":"mark","sequenceNumber":"0","streamSid":)" + json::quote(stream_sid) + R"(,"mark":{"name":)" +
         json::quote(name) + "}}";
}

std::string dtmf_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view digit) {
  return R"({"event":"dtmf","streamSid":)" + json::quote(stream_sid) + R"(,"sequenceNumber":")" +
         std::to_string(sequence) + R"(","dtmf":{"track":"inbound_track","digit":)" + json::quote(digit) + "}}";
}

std::string stop_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view call_sid) {
  return R"({"event":"stop","sequenceNumber":")" + std::to_string(sequence) + R"(","stop":{"accountSid":)" +
         json::quote(simulated_account_sid) + R"(,"callSid":)" + json::quote(call_sid) + R"(},"streamSid":)" +
         json::quote(stream_sid) + "}";
}

}  // namespace voxgate::net::twilio
