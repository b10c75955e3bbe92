#include "tools/sim/exotel_caller.hpp"

#include "codecs/base64.hpp"
#include "net/json.hpp"

namespace voxgate::sim::exotel {

namespace {
std::string q(std::string_view s) { return net::json::quote(s); }
}  // namespace

net::param_list dial_query(std::string_view call_sid, std::string_view from, std::string_view to) {
  return {{"CallSid", std::string(call_sid)}, {"CallFrom", std::string(from)}, {"CallTo", std::string(to)},
          {"Direction", "incoming"},          {"flow_id", "123456"},           {"tenant_id", "654321"}};
}

std::pair<std::string, std::string> split_user_info(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {{}, url};
  auto host = scheme + 3;
  auto at = url.find('@', host);
  if (at == std::string::npos || at > url.find_first_of("/?#", host)) return {{}, url};
  auto info = net::percent_decode(std::string_view(url).substr(host, at - host), false).value_or("");
  return {info, url.substr(0, host) + url.substr(at + 1)};
}

net::param_list custom_parameters(const std::string& stream_url) {
  net::param_list out;
  if (auto u = net::parse_url(split_user_info(stream_url).second))
    for (auto& [k, v] : net::parse_form(u->query()).value_or(net::param_list{}))
      if (k != "sample-rate") out.emplace_back(std::move(k), std::move(v));
  return out;
}

std::string number(std::uint64_t n, bool integers) {
  return integers ? std::to_string(n) : "\"" + std::to_string(n) + "\"";
}

std::string connected_message() { return R"({"event":"connected"})"; }

std::string start_message(std::uint64_t sequence, std::string_view stream_sid, std::string_view call_sid,
                          const net::param_list& custom_parameters, std::uint32_t sample_rate, bool integers,
                          std::string_view from, std::string_view to) {
  std::string params = "{";
  for (const auto& [k, v] : custom_parameters) params += (params.size() > 1 ? "," : "") + q(k) + ":" + q(v);
  params += "}";
  std::string sid = q(stream_sid);
  return R"({"event":"start","sequence_number":)" + number(sequence, integers) + R"(,"stream_sid":)" + sid +
         R"(,"start":{"stream_sid":)" + sid + R"(,"call_sid":)" + q(call_sid) +
         R"(,"account_sid":"AC_voxgate_simulated","from":)" + q(from) + R"(,"to":)" + q(to) +
         R"(,"custom_parameters":)" + params + R"(,"media_format":{"encoding":"audio/x-raw","sample_rate":)" +
         number(sample_rate, integers) + R"(,"bit_rate":)" + number(16, integers) + "}}}";
}

std::string media_message(std::uint64_t sequence, std::string_view stream_sid, std::uint64_t chunk,
                          std::uint64_t timestamp_ms, std::string_view pcm, bool integers) {
  return R"({"event":"media","sequence_number":)" + number(sequence, integers) + R"(,"stream_sid":)" + q(stream_sid) +
         R"(,"media":{"chunk":)" + number(chunk, integers) + R"(,"timestamp":)" + number(timestamp_ms, integers) +
         R"(,"payload":")" + codecs::base64::encode(pcm) + "\"}}";
}

std::string dtmf_message(std::uint64_t sequence, std::string_view stream_sid, char digit, unsigned duration_ms,
                         bool integers) {
  return R"({"event":"dtmf","sequence_number":)" + number(sequence, integers) + R"(,"stream_sid":)" + q(stream_sid) +
         R"(,"dtmf":{"digit":)" + q(std::string(1, digit)) + R"(,"duration":)" + number(duration_ms, integers) + "}}";
}

std::string mark_echo(std::uint64_t sequence, std::string_view stream_sid, std::string_view name, bool integers) {
  return R"({"event":"mark","sequence_number":)" + number(sequence, integers) + R"(,"stream_sid":)" + q(stream_sid) +
         R"(,"mark":{"name":)" + q(name) + "}}";
}

std::string stop_message(std::uint64_t sequence, std::string_view stream_sid, std::string_view call_sid,
                         std::string_view reason, bool integers) {
  return R"({"event":"stop","sequence_number":)" + number(sequence, integers) + R"(,"stream_sid":)" + q(stream_sid) +
         R"(,"stop":{"call_sid":)" + q(call_sid) + R"(,"account_sid":"AC_voxgate_simulated","reason":)" + q(reason) +
         "}}";
}

}  // namespace voxgate::sim::exotel
