// JSON helpers for the dialects: an in-situ parse that makes no heap allocation for frame-sized
// documents, lenient field readers (counters arrive as strings or numbers), and string escaping.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxgate::net::json {

using value = rapidjson::Value;

// How deeply arrays and objects may nest in anything we read. RapidJSON's parser recurses once per
// level, so without a bound one frame of 900,000 '[' overflows the stack and kills every call. No
// message of any peer we speak to nests beyond a handful of levels.
inline constexpr std::size_t max_depth = 64;

// Empty when `text` nests at most `limit` levels deep, else the reason. One pass, no allocation;
// brackets inside strings do not count. Run before every parse (parse() below does).
std::string_view check_depth(std::string_view text, std::size_t limit = max_depth);

// Parses `text` into `doc` with the depth bound. Returns an error text, or an empty view on success
// (the root may be any JSON value).
std::string_view parse(rapidjson::Document& doc, std::string_view text);

// Parses `text` in place (the buffer is modified; string views point into it). The DOM lives in
// fixed buffers inside this object, so keep it on the stack for the duration of one message.
class insitu_document {
 public:
  insitu_document();
  insitu_document(const insitu_document&) = delete;
  insitu_document& operator=(const insitu_document&) = delete;

  // Returns an error text, or an empty view on success (root is then an object).
  std::string_view parse(std::string& text);
  const value& root() const { return doc_; }

 private:
  using pool = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
  alignas(16) char value_buffer_[6144];
  alignas(16) char stack_buffer_[1024];
  pool value_pool_;
  pool stack_pool_;
  rapidjson::GenericDocument<rapidjson::UTF8<>, pool, pool> doc_;
};

const value* member(const value& object, std::string_view key);
std::string_view string_or(const value& object, std::string_view key, std::string_view fallback = {});
std::optional<std::string_view> string_of(const value& object, std::string_view key);
// A counter or timestamp: a JSON number or a string of decimal digits.
std::optional<std::uint64_t> counter_of(const value& object, std::string_view key);

// Appends `s` as a quoted, escaped JSON string.
void append_string(std::string& out, std::string_view s);
std::string quote(std::string_view s);

}  // namespace voxgate::net::json
