#include "cluster/wire.hpp"

#include <rapidjson/document.h>

#include <array>
#include <charconv>

#include "net/json.hpp"
#include "net/providers/registry.hpp"

namespace voxgate::cluster {

namespace {

// Every kind, so that a kind added later is refused on the wire until it is named here.
constexpr std::array<std::pair<actors::call_event_kind, std::string_view>, 6> event_names{{
    {actors::call_event_kind::answered, "answered"},
    {actors::call_event_kind::hangup, "hangup"},
    {actors::call_event_kind::stream_started, "stream_started"},
    {actors::call_event_kind::stream_stopped, "stream_stopped"},
    {actors::call_event_kind::stream_failed, "stream_failed"},
    {actors::call_event_kind::dtmf, "dtmf"},
}};

bool known_kind(char c) {
  return c == 'O' || c == 'F' || c == 'A' || c == 'B' || c == 'R' || c == 'C' || c == 'E';
}

// Splits "a b c" at single spaces; false when there are more parts than `out` holds.
template <std::size_t N>
std::size_t split(std::string_view line, std::array<std::string_view, N>& out) {
  std::size_t n = 0;
  while (!line.empty()) {
    if (n == N) return N + 1;
    auto sp = line.find(' ');
    out[n++] = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  }
  return n;
}

// A provider's name as the registry lists it (so that an unknown one is refused at the header).
bool known_provider(std::string_view name) {
  for (const auto& d : net::providers::descriptors())
    if (d.name == name) return true;
  return false;
}

}  // namespace

std::string encode_frame(wire_kind kind, std::uint32_t channel, std::string_view frame) {
  std::string out;
  out.reserve(frame.size() + 16);
  out += static_cast<char>(kind);
  out += ' ';
  out += std::to_string(channel);
  out += '\n';
  out += frame;
  return out;
}

std::string encode(const wire_message& m) {
  if (m.kind != wire_kind::open) return encode_frame(m.kind, m.channel, m.body);
  std::string out = "O " + std::to_string(m.channel) + " " + m.provider + " " + m.token;
  out += '\n';
  out += m.body;
  return out;
}

namespace {

// Everything but the body; `body_at` is where the body starts in `text`.
std::optional<wire_message> decode_header(std::string_view text, std::size_t& body_at, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<wire_message> {
    if (why) *why = reason;
    return std::nullopt;
  };
  auto nl = text.find('\n');
  if (nl == std::string_view::npos || nl > 64 + max_token_bytes) return fail("no header line");
  std::array<std::string_view, 4> parts{};
  auto n = split(text.substr(0, nl), parts);
  if (n < 2 || parts[0].size() != 1 || !known_kind(parts[0][0])) return fail("unknown message kind");
  wire_message m;
  m.kind = static_cast<wire_kind>(parts[0][0]);
  auto ch = parts[1];
  auto [p, ec] = std::from_chars(ch.data(), ch.data() + ch.size(), m.channel);
  if (ec != std::errc{} || p != ch.data() + ch.size()) return fail("channel is not a number");
  if (m.kind == wire_kind::open) {
    if (n < 3 || n > 4) return fail("open needs a provider and a token");
    if (!known_provider(parts[2])) return fail("unknown provider");
    m.provider = std::string(parts[2]);
    if (n == 4) {
      if (parts[3].size() > max_token_bytes) return fail("token too long");
      m.token = std::string(parts[3]);
    }
  } else if (n != 2) {
    return fail("extra fields in the header");
  }
  body_at = nl + 1;
  return m;
}

}  // namespace

std::optional<wire_message> decode(std::string_view text, std::string* why) {
  std::size_t body_at = 0;
  auto m = decode_header(text, body_at, why);
  if (m) m->body = std::string(text.substr(body_at));
  return m;
}

std::optional<wire_message> decode(std::string&& text, std::string* why) {
  std::size_t body_at = 0;
  auto m = decode_header(text, body_at, why);
  if (!m) return m;
  text.erase(0, body_at);  // the frame's own buffer becomes the body: no copy per frame
  m->body = std::move(text);
  return m;
}

std::string encode_event(const actors::provider_event& ev) {
  std::string kind = "unnamed";  // refused by the receiver, never mistaken for another kind
  for (const auto& [k, name] : event_names)
    if (k == ev.kind) kind = std::string(name);
  return R"({"provider":)" + net::json::quote(actors::to_string(ev.provider)) + R"(,"id":)" +
         net::json::quote(ev.event_id) + R"(,"kind":)" + net::json::quote(kind) + R"(,"call":)" +
         net::json::quote(ev.call_id) + R"(,"session":)" + net::json::quote(ev.session_id) + R"(,"detail":)" +
         net::json::quote(ev.detail) + "}";
}

std::optional<actors::provider_event> decode_event(std::string_view json, const provider_lookup& providers,
                                                   std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<actors::provider_event> {
    if (why) *why = reason;
    return std::nullopt;
  };
  rapidjson::Document d;
  if (json.size() > 64 * 1024) return fail("event too large");
  if (!net::json::parse(d, json).empty() || !d.IsObject()) return fail("event is not a JSON object");
  auto text = [&](const char* name) -> const rapidjson::Value* {
    auto it = d.FindMember(name);
    return it != d.MemberEnd() && it->value.IsString() ? &it->value : nullptr;
  };
  for (const char* field : {"provider", "id", "kind", "call", "session", "detail"})
    if (!text(field)) return fail("event field missing or not text");
  auto str = [&](const char* name) { return std::string(text(name)->GetString(), text(name)->GetStringLength()); };
  actors::provider_event ev;
  ev.provider = providers ? providers(str("provider")) : nullptr;
  if (!ev.provider) return fail("unknown provider");
  auto kind = str("kind");
  bool found = false;
  for (const auto& [k, name] : event_names)
    if (name == kind) {
      ev.kind = k;
      found = true;
    }
  if (!found) return fail("unknown event kind");
  ev.event_id = str("id");
  ev.call_id = str("call");
  if (ev.call_id.empty()) return fail("event names no call");
  ev.session_id = str("session");
  ev.detail = str("detail");
  ev.relayed = true;
  return ev;
}

}  // namespace voxgate::cluster
