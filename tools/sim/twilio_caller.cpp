#include "tools/sim/twilio_caller.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "tools/sim/ids.hpp"

namespace voxgate::sim::twilio {

std::string random_sid(std::string_view prefix) { return random_hex_id(prefix); }

net::param_list voice_webhook_form(std::string_view call_sid) {
  return {{"AccountSid", std::string(simulated_account_sid)},
          {"ApiVersion", "2010-04-01"},
          {"CallSid", std::string(call_sid)},
          {"CallStatus", "ringing"},
          {"Direction", "inbound"},
          {"From", "+15005550006"},
          {"To", "+15005550006"}};
}

std::string connected_message() { return R"({"event":"connected","protocol":"Call","version":"1.0.0"})"; }

std::string start_message(std::string_view stream_sid, std::string_view call_sid,
                          const net::param_list& custom_parameters) {
  std::string params;
  for (const auto& [k, v] : custom_parameters) {
    if (!params.empty()) params += ',';
    net::json::append_string(params, k);
    params += ':';
    net::json::append_string(params, v);
  }
  std::string out =
      R"({"event":"start","sequenceNumber":"1","start":{"accountSid":)" + net::json::quote(simulated_account_sid);
  out += R"(,"streamSid":)" + net::json::quote(stream_sid) + R"(,"callSid":)" + net::json::quote(call_sid);
  out += R"(,"tracks":["inbound"],"customParameters":{)" + params;
  out += R"(},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":)" +
         net::json::quote(stream_sid) + "}";
  return out;
}

std::string media_message(std::string_view stream_sid, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view raw_mulaw) {
  std::string out;
  append_media_message(out, stream_sid, sequence, chunk, codecs::base64::encode(raw_mulaw));
  return out;
}

void append_media_message(std::string& out, std::string_view stream_sid, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view payload_base64) {
  auto number = [&out](std::uint64_t v) {
    char digits[20];
    auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
  };
  out.append(R"({"event":"media","sequenceNumber":")");
  number(sequence);
  out.append(R"(","media":{"track":"inbound","chunk":")");
  number(chunk);
  out.append(R"(","timestamp":")");
  number((chunk - 1) * 20);
  out.append(R"(","payload":")");
  out.append(payload_base64);
  out.append(R"("},"streamSid":)");
  net::json::append_string(out, stream_sid);
  out.push_back('}');
}

std::string mark_echo(std::string_view stream_sid, std::string_view name) {
  return R"({"event":"mark","sequenceNumber":"0","streamSid":)" + net::json::quote(stream_sid) + R"(,"mark":{"name":)" +
         net::json::quote(name) + "}}";
}

std::string dtmf_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view digit) {
  return R"({"event":"dtmf","streamSid":)" + net::json::quote(stream_sid) + R"(,"sequenceNumber":")" +
         std::to_string(sequence) + R"(","dtmf":{"track":"inbound_track","digit":)" + net::json::quote(digit) + "}}";
}

std::string stop_message(std::string_view stream_sid, std::uint64_t sequence, std::string_view call_sid) {
  return R"({"event":"stop","sequenceNumber":")" + std::to_string(sequence) + R"(","stop":{"accountSid":)" +
         net::json::quote(simulated_account_sid) + R"(,"callSid":)" + net::json::quote(call_sid) + R"(},"streamSid":)" +
         net::json::quote(stream_sid) + "}";
}

namespace {

// Reads the tag from `from` to `until` attribute by attribute (name="value"), so that text inside one
// attribute's value (a <Parameter> name ending in ` value=`) is never taken for another attribute.
std::string attribute(std::string_view xml, std::string_view name, std::size_t from, std::size_t until) {
  auto tag = xml.substr(from, until == std::string_view::npos ? until : until - from);
  for (auto at = tag.find(' '); at != std::string_view::npos;) {
    at = tag.find_first_not_of(' ', at);
    auto eq = tag.find('=', at);
    if (at == std::string_view::npos || eq == std::string_view::npos || eq + 1 >= tag.size() || tag[eq + 1] != '"')
      return {};
    auto end = tag.find('"', eq + 2);
    if (end == std::string_view::npos) return {};
    if (tag.substr(at, eq - at) == name) return unescape_xml(tag.substr(eq + 2, end - eq - 2));
    at = end + 1;
  }
  return {};
}

}  // namespace

std::string unescape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    static constexpr std::pair<std::string_view, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool matched = false;
    for (auto [entity, c] : entities)
      if (text.substr(i, entity.size()) == entity) {
        out.push_back(c);
        i += entity.size() - 1;
        matched = true;
        break;
      }
    if (!matched) out.push_back('&');
  }
  return out;
}

std::optional<stream_instruction> parse_stream_instruction(std::string_view twiml) {
  auto at = twiml.find("<Stream ");
  if (at == std::string_view::npos) return std::nullopt;
  auto tag_end = twiml.find('>', at);
  stream_instruction out;
  out.url = attribute(twiml, "url", at, tag_end);
  if (out.url.empty()) return std::nullopt;
  auto close = twiml.find("</Stream>", at);
  for (auto p = twiml.find("<Parameter ", at); p != std::string_view::npos && p < close;
       p = twiml.find("<Parameter ", p + 1)) {
    auto end = twiml.find('>', p);
    out.parameters.emplace_back(attribute(twiml, "name", p, end), attribute(twiml, "value", p, end));
  }
  return out;
}

}  // namespace voxgate::sim::twilio
