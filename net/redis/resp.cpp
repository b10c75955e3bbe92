#include "net/redis/resp.hpp"

#include <algorithm>
#include <charconv>

namespace voxgate::net::redis {

void append_command(std::string& out, const std::vector<std::string_view>& args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (auto a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out += a;
    out += "\r\n";
  }
}

std::string command(const std::vector<std::string_view>& args) {
  std::string out;
  append_command(out, args);
  return out;
}

void reader::feed(std::string_view bytes) {
  if (!error_.empty()) return;
  if (pos_ > 0 && pos_ == buffer_.size()) {  // everything read: start over rather than grow
    buffer_.clear();
    pos_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<reply> reader::next() {
  if (!error_.empty() || pos_ >= buffer_.size()) return std::nullopt;
  reply r;
  std::size_t at = pos_;
  if (auto s = parse(r, at, 0); s != step::done) {
    if (s == step::more && buffer_.size() - pos_ > limits_.max_reply)
      fail("a reply over " + std::to_string(limits_.max_reply) + " bytes");
    return std::nullopt;
  }
  pos_ = at;
  if (pos_ > 64 * 1024 && pos_ * 2 > buffer_.size()) {  // drop what was read once it is most of the buffer
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  return r;
}

reader::step reader::fail(std::string why) {
  error_ = std::move(why);
  return step::failed;
}

// The text up to the next CRLF, from `at`; moves `at` past the CRLF.
reader::step reader::line(std::size_t& at, std::string_view& out) {
  auto end = buffer_.find("\r\n", at);
  if (end == std::string::npos) {
    // Not over yet: the line so far, plus the '\r' of its CRLF when only the '\n' is missing.
    if (buffer_.size() - at > limits_.max_line + 1) return fail("a reply line longer than " + std::to_string(limits_.max_line) + " bytes");
    return step::more;
  }
  if (end - at > limits_.max_line) return fail("a reply line longer than " + std::to_string(limits_.max_line) + " bytes");
  out = std::string_view(buffer_).substr(at, end - at);
  at = end + 2;
  return step::done;
}

namespace {

bool to_number(std::string_view text, long long& out) {
  if (text.empty() || text.size() > 20) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

reader::step reader::parse(reply& out, std::size_t& at, std::size_t depth) {
  if (at >= buffer_.size()) return step::more;
  char type = buffer_[at];
  if (type != '+' && type != '-' && type != ':' && type != '$' && type != '*')
    return fail("a reply starting with byte " + std::to_string(static_cast<unsigned char>(type)) + ", not a RESP type");
  std::size_t after_type = at + 1;
  std::string_view text;
  if (auto s = line(after_type, text); s != step::done) return s;
  switch (type) {
    case '+':
    case '-':
      out.type = type == '+' ? reply::kind::simple : reply::kind::error;
      out.text.assign(text);
      at = after_type;
      return step::done;
    case ':':
      out.type = reply::kind::integer;
      if (!to_number(text, out.integer)) return fail("an integer reply that is not a number");
      at = after_type;
      return step::done;
    case '$': {
      long long size = 0;
      if (!to_number(text, size) || size < -1) return fail("a bulk string with a bad length");
      if (size == -1) {
        out.type = reply::kind::nil;
        at = after_type;
        return step::done;
      }
      if (static_cast<unsigned long long>(size) > limits_.max_bulk)
        return fail("a bulk string of " + std::to_string(size) + " bytes, over " + std::to_string(limits_.max_bulk));
      auto n = static_cast<std::size_t>(size);
      if (buffer_.size() - after_type < n + 2) return step::more;
      if (buffer_.compare(after_type + n, 2, "\r\n") != 0) return fail("a bulk string not ended by CRLF");
      out.type = reply::kind::bulk;
      out.text.assign(buffer_, after_type, n);
      at = after_type + n + 2;
      return step::done;
    }
    case '*': {
      long long count = 0;
      if (!to_number(text, count) || count < -1) return fail("an array with a bad length");
      if (count == -1) {
        out.type = reply::kind::nil;
        at = after_type;
        return step::done;
      }
      if (static_cast<unsigned long long>(count) > limits_.max_elements)
        return fail("an array of " + std::to_string(count) + " elements, over " + std::to_string(limits_.max_elements));
      if (depth >= limits_.max_depth) return fail("arrays nested deeper than " + std::to_string(limits_.max_depth));
      out.type = reply::kind::array;
      out.elements.clear();
      out.elements.reserve(std::min<std::size_t>(static_cast<std::size_t>(count), 16));  // not on a header's word
      std::size_t cursor = after_type;
      for (long long i = 0; i < count; ++i) {
        reply element;
        if (auto s = parse(element, cursor, depth + 1); s != step::done) return s;
        out.elements.push_back(std::move(element));
      }
      at = cursor;
      return step::done;
    }
  }
  return fail("unreachable");
}

}  // namespace voxgate::net::redis
