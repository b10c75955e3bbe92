// What the simulated Asterisk writes and reads on an AudioSocket connection, apart from the call that
// uses it (docs/providers/audiosocket.md §2): its TLV frames, the UUID text as libuuid parses it, and
// where a whole frame ends in a TCP byte stream. Pure, shared by the fake (tools/sim/audiosocket) and
// the tools' caller (tools/sim/callers/audiosocket.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxgate::sim::audiosocket {

inline constexpr std::uint8_t kind_hangup = 0x00, kind_uuid = 0x01, kind_dtmf = 0x03, kind_slin8 = 0x10,
                              kind_slin16 = 0x12;

// kind (1 byte), length (2 bytes, big-endian), payload.
std::string tlv(std::uint8_t kind, std::string_view payload);
void append_tlv(std::string& out, std::uint8_t kind, std::string_view payload);

// "xxxxxxxx-xxxx-..." to its 16 bytes, as libuuid's uuid_parse does; nothing when it is not a UUID.
std::optional<std::string> uuid_bytes(std::string_view text);

// The size of the whole frame at the front of `buffered` (header and payload), or 0 until it has all come.
std::size_t tlv_size(std::string_view buffered);

}  // namespace voxgate::sim::audiosocket
