// Reading wire texts without the gateway's own JSON and XML code, for the tests that hold the
// gateway's parsers and builders to the literal texts of the providers' and the AI's documentation.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::testing {

// Empty when `actual` is the same JSON as `expected` (member order free), else every difference.
// Paths (/a/b/0) in `any_value` may hold any value; those in `may_add` may appear though `expected`
// leaves them out.
std::string json_difference(std::string_view expected, std::string_view actual, std::set<std::string> any_value = {},
                            std::set<std::string> may_add = {});

// The XML the gateway writes, one line per node: "<?xml a=1 b=2", "<Name a=1 b=2" (attributes
// sorted), "text ...", "</Name>". Whitespace between elements and comments are dropped, so a
// pretty-printed documentation example and a one-line answer compare equal. No entity decoding.
std::vector<std::string> xml_outline(std::string_view xml);

// The nine bytes behind the payload Twilio's docs show ("no+JhoaJjpzS..."): the '+' checks the
// standard base64 alphabet, not the URL-safe one.
inline constexpr std::uint8_t documented_audio[] = {0x9e, 0x8f, 0x89, 0x86, 0x86, 0x89, 0x8e, 0x9c, 0xd2};

}  // namespace voxgate::testing
