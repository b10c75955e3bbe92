// For the targets whose builders write JSON: read a built event back, failing the run when it is not
// a JSON object holding the expected string.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "net/json.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace voxgate::fuzz {

// The string at root[a][b] (b may be empty: root[a]) of `text`, which must parse as a JSON object.
inline std::string json_field(const std::string& text, std::string_view a, std::string_view b = {}) {
  rapidjson::Document d;
  FUZZ_CHECK(net::json::parse(d, text).empty() && d.IsObject());
  const auto* v = net::json::member(d, a);
  if (v && !b.empty()) v = net::json::member(*v, b);
  FUZZ_CHECK(v && v->IsString());
  return {v->GetString(), v->GetStringLength()};
}

}  // namespace voxgate::fuzz
