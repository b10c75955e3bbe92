#include "net/providers/vonage/ncco.hpp"

#include "net/json.hpp"
#include "net/providers/vonage/media.hpp"

namespace voxgate::net::vonage {

std::string connect_ncco(const connect_endpoint& e) {
  // The call's uuid always; from and to only while the headers fit Vonage's 512 bytes.
  std::string headers = "{" + json::quote(call_header) + ":" + json::quote(e.call_uuid);
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"from", e.from}, {"to", e.to}}) {
    auto field = "," + json::quote(name) + ":" + json::quote(value);
    if (!value.empty() && headers.size() + field.size() + 1 <= max_headers_bytes) headers += field;
  }
  headers += "}";
  return R"([{"action":"connect","eventType":"synchronous","eventUrl":[)" + json::quote(e.event_url) +
         R"(],"endpoint":[{"type":"websocket","uri":)" + json::quote(e.uri) + R"(,"content-type":)" +
         json::quote(content_type_for(e.rate)) + R"(,"headers":)" + headers + "}]}]";
}

std::string talk_ncco(std::string_view text) { return R"([{"action":"talk","text":)" + json::quote(text) + "}]"; }

}  // namespace voxgate::net::vonage
