#include "tools/sim/plivo_caller.hpp"

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/json.hpp"
#include "net/providers/plivo/signature.hpp"
#include "tools/sim/ids.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim::plivo {
namespace {

// `"sequenceNumber":N,"streamId":"…"` opening every message Plivo sends after start.
std::string head(std::string_view event, std::uint64_t sequence, std::string_view stream_id) {
  std::string out = R"({"event":)" + net::json::quote(event) + R"(,"sequenceNumber":)" + std::to_string(sequence);
  out += R"(,"streamId":)" + net::json::quote(stream_id);
  return out;
}

// The value of `name="…"` in the start tag `tag` (attribute values hold no quote: they are escaped).
std::string attribute(std::string_view tag, std::string_view name) {
  std::string key = " " + std::string(name) + "=\"";
  auto at = tag.find(key);
  if (at == std::string_view::npos) return {};
  at += key.size();
  auto end = tag.find('"', at);
  if (end == std::string_view::npos) return {};
  return twilio::unescape_xml(tag.substr(at, end - at));
}

}  // namespace

net::header_list signed_headers(std::string_view auth_token, std::string_view method, const std::string& url,
                                const net::param_list& params) {
  if (auth_token.empty()) return {};
  std::string nonce;
  for (unsigned char c : net::crypto::random_bytes(20)) nonce.push_back(static_cast<char>('0' + c % 10));
  auto sig = net::plivo::compute_signature(auth_token, method, url, params, nonce);
  return {{"X-Plivo-Signature-V3", sig}, {"X-Plivo-Signature-Ma-V3", sig}, {"X-Plivo-Signature-V3-Nonce", nonce}};
}

std::string random_uuid() { return sim::random_uuid(); }

net::param_list answer_form(std::string_view call_uuid) {
  return {{"BillRate", "0.0085"},         {"CallStatus", "ringing"}, {"CallUUID", std::string(call_uuid)},
          {"CallerName", "+14155550100"}, {"Direction", "inbound"},  {"Event", "StartApp"},
          {"From", "14155550100"},        {"To", "14155550199"},     {"SessionStart", "2026-01-15 10:00:00.000000"}};
}

std::string start_message(std::uint64_t sequence, std::string_view call_uuid, std::string_view stream_id) {
  std::string out = R"({"event":"start","sequenceNumber":)" + std::to_string(sequence);
  out += R"(,"start":{"callId":)" + net::json::quote(call_uuid) + R"(,"streamId":)" + net::json::quote(stream_id);
  out += R"(,"accountId":)" + net::json::quote(simulated_account_id);
  out += R"(,"tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":""})";
  return out;
}

std::string media_message(std::uint64_t sequence, std::string_view stream_id, std::uint64_t chunk,
                          std::uint64_t timestamp_ms, std::string_view raw_mulaw) {
  std::string out = head("media", sequence, stream_id);
  out += R"(,"media":{"track":"inbound","timestamp":)" + net::json::quote(std::to_string(timestamp_ms));
  out +=
      R"(,"chunk":)" + std::to_string(chunk) + R"(,"payload":)" + net::json::quote(codecs::base64::encode(raw_mulaw));
  out += R"(},"extra_headers":""})";
  return out;
}

std::string dtmf_message(std::uint64_t sequence, std::string_view stream_id, std::string_view digit,
                         std::uint64_t timestamp_ms) {
  std::string out = head("dtmf", sequence, stream_id);
  out += R"(,"dtmf":{"track":"inbound","digit":)" + net::json::quote(digit);
  out += R"(,"timestamp":)" + net::json::quote(std::to_string(timestamp_ms)) + R"(},"extra_headers":""})";
  return out;
}

std::string played_stream(std::uint64_t sequence, std::string_view stream_id, std::string_view name) {
  return head("playedStream", sequence, stream_id) + R"(,"name":)" + net::json::quote(name) + "}";
}

std::string cleared_audio(std::uint64_t sequence, std::string_view stream_id) {
  return head("clearedAudio", sequence, stream_id) + "}";
}

std::string stop_message(std::uint64_t sequence, std::string_view stream_id, std::string_view reason) {
  return head("stop", sequence, stream_id) + R"(,"reason":)" + net::json::quote(reason) + "}";
}

std::optional<stream_instruction> parse_stream_instruction(std::string_view xml) {
  auto at = xml.find("<Stream");
  if (at == std::string_view::npos) return std::nullopt;
  auto tag_end = xml.find('>', at);
  auto close = xml.find("</Stream>", at);
  if (tag_end == std::string_view::npos || close == std::string_view::npos || close < tag_end) return std::nullopt;
  auto tag = xml.substr(at, tag_end - at);
  stream_instruction out;
  out.bidirectional = attribute(tag, "bidirectional");
  out.audio_track = attribute(tag, "audioTrack");
  out.content_type = attribute(tag, "contentType");
  out.keep_call_alive = attribute(tag, "keepCallAlive");
  // Plivo's own examples indent the URL: Plivo trims it.
  auto text = xml.substr(tag_end + 1, close - tag_end - 1);
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  out.url = twilio::unescape_xml(text);
  return out;
}

std::string refusal(const stream_instruction& stream) {
  if (stream.bidirectional != "true") return "the <Stream> is not bidirectional";
  if (!stream.audio_track.empty() && stream.audio_track != "inbound")
    return "a bidirectional <Stream> must take the inbound track";
  if (stream.content_type != "audio/x-mulaw;rate=8000" && stream.content_type != "audio/x-l16;rate=8000" &&
      stream.content_type != "audio/x-l16;rate=16000")
    return "unsupported contentType " + stream.content_type;
  return {};
}

}  // namespace voxgate::sim::plivo
