#include "tools/sim/signalwire_caller.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "tools/sim/ids.hpp"

namespace voxgate::sim::signalwire {

std::string random_uuid() { return sim::random_uuid(); }

net::param_list voice_webhook_form(std::string_view call_sid) {
  return {{"AccountSid", std::string(simulated_project_id)},
          {"ApiVersion", "2010-04-01"},
          {"CallSid", std::string(call_sid)},
          {"CallStatus", "ringing"},
          {"Direction", "inbound"},
          {"From", "+15551234567"},
          {"To", "+18005559876"}};
}

net::param_list stream_status_form(std::string_view call_sid, std::string_view stream_sid,
                                   std::string_view stream_event, std::string_view stream_error) {
  net::param_list out = {{"AccountSid", std::string(simulated_project_id)},
                         {"CallSid", std::string(call_sid)},
                         {"StreamSid", std::string(stream_sid)},
                         {"StreamEvent", std::string(stream_event)},
                         {"StreamTrack", "inbound_track"},
                         {"Timestamp", "2026-12-01T12:00:00.000Z"}};
  if (!stream_error.empty()) out.emplace_back("StreamError", std::string(stream_error));
  return out;
}

std::string connected_message() { return R"({"event":"connected","protocol":"Call","version":"0.2.0"})"; }

std::string start_message(std::string_view stream_sid, std::string_view call_sid,
                          const net::param_list& custom_parameters) {
  std::string params;
  for (const auto& [k, v] : custom_parameters) {
    if (!params.empty()) params += ',';
    net::json::append_string(params, k);
    params += ':';
    net::json::append_string(params, v);
  }
  std::string out = R"({"event":"start","sequenceNumber":"1","start":{"streamSid":)" + net::json::quote(stream_sid);
  out += R"(,"accountSid":)" + net::json::quote(simulated_project_id) + R"(,"callSid":)" + net::json::quote(call_sid);
  out += R"(,"tracks":["inbound"],"customParameters":{)" + params;
  out += R"(},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})";
  return out;
}

std::string media_message(std::uint64_t sequence, std::uint64_t chunk, std::string_view raw_mulaw) {
  return R"({"event":"media","sequenceNumber":")" + std::to_string(sequence) +
         R"(","media":{"track":"inbound","chunk":")" + std::to_string(chunk) + R"(","timestamp":")" +
         std::to_string(chunk == 0 ? 0 : (chunk - 1) * 20) + R"(","payload":")" + codecs::base64::encode(raw_mulaw) +
         R"("}})";
}

std::string mark_echo(std::string_view stream_sid, std::string_view name) {
  return R"({"event":"mark","streamSid":)" + net::json::quote(stream_sid) + R"(,"mark":{"name":)" +
         net::json::quote(name) + "}}";
}

std::string dtmf_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view digit) {
  return R"({"event":"dtmf","sequenceNumber":")" + std::to_string(sequence) + R"(","streamSid":)" +
         net::json::quote(stream_sid) + R"(,"dtmf":{"digit":)" + net::json::quote(digit) + R"(,"duration":2000}})";
}

std::string stop_message(std::uint64_t sequence) {
  return R"({"event":"stop","sequenceNumber":")" + std::to_string(sequence) + R"("})";
}

std::optional<twilio::stream_instruction> read_cxml_answer(std::string_view cxml, std::string& why, bool ws_ok) {
  if (cxml.rfind("<?xml", 0) != 0 || cxml.find("<Response>") == std::string_view::npos ||
      cxml.find("</Response>") == std::string_view::npos) {
    why = "document parse error: not a cXML document";
    return std::nullopt;
  }
  if (cxml.find("<Connect><Stream ") == std::string_view::npos) {
    why = "no <Connect><Stream>";
    return std::nullopt;
  }
  auto stream = twilio::parse_stream_instruction(cxml);
  // Error 31922 / invalid_url: "ws is NOT supported", whitespace; a query string is unsupported.
  if (!stream)
    why = "missing_url";
  else if (stream->url.find_first_of(" \t\r\n") != std::string::npos)
    why = "invalid_url: whitespace in the url";
  else if (stream->url.rfind("wss://", 0) != 0 && !(ws_ok && stream->url.rfind("ws://", 0) == 0))
    why = "invalid_url: not wss://";
  else if (stream->url.find('?') != std::string::npos)
    why = "the url does not support query string parameters";
  else
    return stream;
  return std::nullopt;
}

}  // namespace voxgate::sim::signalwire
