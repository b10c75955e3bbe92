#include "app/log_format.hpp"

#include <spdlog/pattern_formatter.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "net/json.hpp"

namespace voxgate::app {

namespace {

// A log message split into its words and its `key=value` pairs (see net/log_value.hpp).
struct message_parts {
  std::string words;
  std::vector<std::pair<std::string_view, std::string>> fields;
};

bool key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

message_parts split_message(std::string_view m) {
  message_parts parts;
  std::size_t i = 0;
  while (i < m.size()) {
    if (m[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t key_end = i;
    while (key_end < m.size() && key_char(m[key_end])) ++key_end;
    if (key_end > i && key_end < m.size() && m[key_end] == '=' && !(m[i] >= '0' && m[i] <= '9')) {
      std::string value;
      std::size_t j = key_end + 1;
      if (j < m.size() && m[j] == '"') {  // "..." with \" and \\ escaped; runs to the closing quote
        for (++j; j < m.size() && m[j] != '"'; ++j) {
          if (m[j] == '\\' && j + 1 < m.size()) ++j;
          value += m[j];
        }
        if (j < m.size()) ++j;
      } else {
        std::size_t end = m.find(' ', j);
        if (end == std::string_view::npos) end = m.size();
        value.assign(m.substr(j, end - j));
        j = end;
      }
      parts.fields.emplace_back(m.substr(i, key_end - i), std::move(value));
      i = j;
      continue;
    }
    // A word; one that opens a quote (net::quoted, net::token) runs to its closing quote, so that
    // what a peer wrote between them stays text even where it holds spaces and `key=value`.
    std::size_t end = i;
    if (m[i] == '"') {
      for (++end; end < m.size() && m[end] != '"'; ++end)
        if (m[end] == '\\' && end + 1 < m.size()) ++end;
      if (end < m.size()) ++end;
    }
    end = std::min(m.find(' ', end), m.size());
    if (!parts.words.empty()) parts.words += ' ';
    parts.words.append(m.substr(i, end - i));
    i = end;
  }
  return parts;
}

// A JSON number: digits first (not ".5"), no leading zero, at most one inner dot.
bool is_number(std::string_view v) {
  std::size_t i = v.size() > 1 && v[0] == '-' ? 1 : 0;
  if (i == v.size() || v[i] < '0' || v[i] > '9') return false;
  if (v[i] == '0' && v.size() > i + 1 && v[i + 1] != '.') return false;
  bool dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] == '.' && !dot && i + 1 < v.size()) {
      dot = true;
    } else if (v[i] < '0' || v[i] > '9') {
      return false;
    }
  }
  return true;
}

// Fields whose values are counts or durations: numbers in JSON. Every other field stays a string, so
// that a field's type never changes from line to line (a caller's number of digits stays text).
bool numeric_key(std::string_view key) {
  if (key == "status") return true;
  for (std::string_view suffix : {"_ms", "_s", "_bytes", "_threads", "_cpus", "_calls", "_in", "_out", "_ins"})
    if (key.size() > suffix.size() && key.substr(key.size() - suffix.size()) == suffix) return true;
  return false;
}

// The text with every byte sequence that is not UTF-8 replaced by U+FFFD: a JSON line is UTF-8.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok && len == 2) ok = c >= 0xc2;  // no overlong forms
    if (ok && len == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // no overlongs, no surrogates
    }
    if (ok && len == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = c <= 0xf4 && !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

// %* in the JSON pattern: "msg" with the message's words, then each key=value pair as a field of its
// own (`call` is named `call_id`; counts and durations are numbers). A key the line already has, or one the
// message repeats, is kept once: the first wins, so a value can never overwrite ts, level or msg.
class json_message_fields : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    auto parts = split_message(std::string_view(msg.payload.data(), msg.payload.size()));
    out_.clear();
    out_ += "\"msg\":";
    net::json::append_string(out_, valid_utf8(parts.words));
    std::vector<std::string_view> seen{"ts", "level", "msg"};
    for (auto& [key, value] : parts.fields) {
      std::string_view name = key == "call" ? std::string_view("call_id") : key;
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      seen.push_back(name);
      out_ += ",\"";
      out_.append(name);
      out_ += "\":";
      if (numeric_key(name) && is_number(value))
        out_ += value;
      else
        net::json::append_string(out_, valid_utf8(value));
    }
    dest.append(out_.data(), out_.data() + out_.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message_fields>(); }

 private:
  std::string out_;
};

// %* in a text pattern: the message with control characters escaped (\n, \r, \t, \xNN), so that
// a newline in a caller's From cannot start a line that looks like the gateway's own.
class control_escaped_message : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr char hex[] = "0123456789abcdef";
    const char* p = msg.payload.data();
    const char* end = p + msg.payload.size();
    const char* plain = p;  // start of the run that needs no escape
    for (; p != end; ++p) {
      auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != 0x7f) continue;
      dest.append(plain, p);
      plain = p + 1;
      char esc[4] = {'\\', 0, 0, 0};
      std::size_t len = 2;
      switch (c) {
        case '\n':
          esc[1] = 'n';
          break;
        case '\r':
          esc[1] = 'r';
          break;
        case '\t':
          esc[1] = 't';
          break;
        default:
          esc[1] = 'x';
          esc[2] = hex[c >> 4];
          esc[3] = hex[c & 15];
          len = 4;
      }
      dest.append(esc, esc + len);
    }
    dest.append(plain, end);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<control_escaped_message>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> text_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<control_escaped_message>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %*");
  return formatter;
}

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<json_message_fields>('*').set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l",%*})");
  return formatter;
}

}  // namespace voxgate::app
