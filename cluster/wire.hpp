// The internal relay's messages between two instances, one per WebSocket frame: a header line, then
// the body. Pure (no I/O), so that it is unit-tested and fuzzed on its own. B and R carry a provider's
// binary frames (raw audio, Vonage) and travel as binary WebSocket frames; the others as text.
//
//   O <channel> <provider> <token>\n<start frame>   a media socket opens on the owner, with its start
//   F <channel>\n<frame>                            a frame (either way); never dropped
//   A <channel>\n<frame>                            outbound audio: may be dropped under back-pressure
//   B <channel>\n<bytes>                            a binary frame (either way); never dropped
//   R <channel>\n<bytes>                            outbound binary audio: may be dropped
//   C <channel>\n<reason>                           the channel closed (either side)
//   E 0\n<event JSON>                               a provider event for a call the receiver owns
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "actors/messages.hpp"

namespace voxgate::cluster {

enum class wire_kind : char {
  open = 'O',
  frame = 'F',
  audio = 'A',
  binary_frame = 'B',
  binary_audio = 'R',
  close = 'C',
  event = 'E'
};

// Whether a kind's messages travel as binary WebSocket frames.
constexpr bool is_binary(wire_kind k) { return k == wire_kind::binary_frame || k == wire_kind::binary_audio; }

struct wire_message {
  wire_kind kind = wire_kind::frame;
  std::uint32_t channel = 0;
  std::string provider;  // open: the provider's name (net/providers/registry.hpp)
  std::string token;     // open: the upgrade's token (may be empty)
  std::string body;  // open: the start frame; frame, audio: the frame; close: the reason; event: JSON
};

inline constexpr std::size_t max_token_bytes = 1024;

std::string encode(const wire_message& m);
// A frame or audio message without building a wire_message (the media path's one allocation).
std::string encode_frame(wire_kind kind, std::uint32_t channel, std::string_view frame);
std::optional<wire_message> decode(std::string_view text, std::string* why);
// The same, the body taking over `text`'s buffer (the relay's per-frame path).
std::optional<wire_message> decode(std::string&& text, std::string* why);

// The receiver's providers by name: null for a name it does not know.
using provider_lookup = std::function<actors::provider_ptr(std::string_view name)>;

std::string encode_event(const actors::provider_event& ev);
std::optional<actors::provider_event> decode_event(std::string_view json, const provider_lookup& providers,
                                                   std::string* why);

}  // namespace voxgate::cluster
