#include "tools/sim/caller.hpp"

#include "codecs/g711.hpp"
#include "codecs/pcm16.hpp"
#include "net/json.hpp"

namespace voxgate::sim {

std::vector<provider_frame> caller::cleared(const std::vector<std::string>& pending) {
  std::vector<provider_frame> out;
  for (const auto& name : pending) out.push_back(mark_played(name));
  return out;
}

gateway_message read_json_event(std::string& text, const json_event_names& names) {
  net::json::insitu_document doc;  // the views below point into `text`, not into the document
  if (!doc.parse(text).empty()) return {gateway_message::kind::invalid, {}, {}};
  auto event = net::json::string_or(doc.root(), "event");
  auto in = [&](std::string_view object, std::string_view key) {
    auto* inner = net::json::member(doc.root(), object);
    return inner && inner->IsObject() ? net::json::string_or(*inner, key) : std::string_view{};
  };
  if (event == names.media) return {gateway_message::kind::media, in("media", "payload"), {}};
  if (event == names.mark)
    return {gateway_message::kind::mark,
            {},
            names.name_at_top ? net::json::string_or(doc.root(), "name") : in("mark", "name")};
  if (event == names.clear) return {gateway_message::kind::clear, {}, {}};
  return {gateway_message::kind::other, {}, {}};
}

void ulaw_to_pcm16_le(std::span<const std::uint8_t> mulaw, std::string& pcm) {
  pcm.resize(mulaw.size() * 2);
  auto* bytes = reinterpret_cast<std::uint8_t*>(pcm.data());
  for (std::size_t i = 0; i < mulaw.size(); ++i) codecs::pcm16::store_le(codecs::g711::ulaw_to_linear(mulaw[i]), bytes + 2 * i);
}

}  // namespace voxgate::sim
