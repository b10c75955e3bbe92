#include "net/json.hpp"

#include <rapidjson/error/en.h>

#include <charconv>
#include <cstring>

namespace voxgate::net::json {

insitu_document::insitu_document()
    : value_pool_(value_buffer_, sizeof(value_buffer_)),
      stack_pool_(stack_buffer_, sizeof(stack_buffer_)),
      doc_(&value_pool_, sizeof(stack_buffer_) / 2, &stack_pool_) {}

std::string_view check_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      // Straight to the string's end (a base64 payload is most of a media frame), past each escape.
      const char* quote = static_cast<const char*>(std::memchr(begin + i, '"', static_cast<std::size_t>(end - begin) - i));
      const char* stop = quote ? quote : end;
      const char* escape = static_cast<const char*>(std::memchr(begin + i, '\\', static_cast<std::size_t>(stop - begin) - i));
      if (escape) {
        i = static_cast<std::size_t>(escape - begin) + 1;  // the escaped character cannot end the string
      } else if (quote) {
        i = static_cast<std::size_t>(quote - begin);
        in_string = false;
      } else {
        break;  // an unterminated string: the parser says so
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return "JSON nested too deeply";
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return {};
}

std::string_view parse(rapidjson::Document& doc, std::string_view text) {
  if (auto err = check_depth(text); !err.empty()) return err;
  // RapidJSON's length-bounded parse skips any of a BOM's bytes (EF, BB, BF) at the start, each on its
  // own, where the in-situ parse refuses them: both refuse a document that starts with a non-ASCII byte.
  if (!text.empty() && static_cast<unsigned char>(text.front()) >= 0x80) return "not JSON: starts with a non-ASCII byte";
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) return rapidjson::GetParseError_En(doc.GetParseError());
  return {};
}

std::string_view insitu_document::parse(std::string& text) {
  if (auto err = check_depth(text); !err.empty()) return err;
  doc_.ParseInsitu(text.data());
  if (doc_.HasParseError()) return rapidjson::GetParseError_En(doc_.GetParseError());
  if (!doc_.IsObject()) return "not a JSON object";
  return {};
}

const value* member(const value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string_view> string_of(const value& object, std::string_view key) {
  const auto* v = member(object, key);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string_view(v->GetString(), v->GetStringLength());
}

std::string_view string_or(const value& object, std::string_view key, std::string_view fallback) {
  return string_of(object, key).value_or(fallback);
}

std::optional<std::uint64_t> counter_of(const value& object, std::string_view key) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (v->IsUint64()) return v->GetUint64();
  if (v->IsString()) {
    std::uint64_t out = 0;
    const char* b = v->GetString();
    const char* e = b + v->GetStringLength();
    auto [p, ec] = std::from_chars(b, e, out);
    if (ec == std::errc{} && p == e && b != e) return out;
  }
  return std::nullopt;
}

void append_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain_from = 0;  // characters from here on need no escape until the next one that does
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + plain_from, s.size() - plain_from);
  out.push_back('"');
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_string(out, s);
  return out;
}

}  // namespace voxgate::net::json
