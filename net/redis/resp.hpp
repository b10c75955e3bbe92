// RESP2, the Redis wire protocol, as pure code: commands built as arrays of bulk strings, replies read
// incrementally from whatever bytes arrive, every size bounded (a Redis we talk to is trusted, but a
// wrong port or a proxy must not make us allocate without limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::net::redis {

struct reply {
  enum class kind : std::uint8_t { simple, error, integer, bulk, nil, array };
  kind type = kind::nil;
  std::string text;             // simple, error, bulk
  long long integer = 0;        // integer
  std::vector<reply> elements;  // array

  bool is_error() const { return type == kind::error; }
  bool is_nil() const { return type == kind::nil; }
  bool ok() const { return type == kind::simple && text == "OK"; }
};

// Appends one command (`SET key value NX PX 30000`) as RESP: an array of bulk strings, so any bytes
// (a caller id holding spaces or CRLF) go through untouched.
void append_command(std::string& out, const std::vector<std::string_view>& args);
std::string command(const std::vector<std::string_view>& args);

struct reader_limits {
  std::size_t max_bulk = 1 << 20;     // bytes in one bulk string
  std::size_t max_elements = 4096;    // elements in one array
  std::size_t max_depth = 4;          // arrays inside arrays
  std::size_t max_line = 64 * 1024;   // a simple string, error or number line
  std::size_t max_reply = 4 << 20;    // bytes buffered for one reply not yet complete
};

// Feeds bytes in any pieces; `next` returns each complete reply in order. A reply still incomplete
// is parsed again from its start as bytes come (replies here are small); `max_reply` bounds that. A protocol error (a byte
// that starts no type, a size over a limit, a number that is not one) is final: the connection has
// to be dropped, and `error()` says why.
class reader {
 public:
  explicit reader(reader_limits limits = {}) : limits_(limits) {}
  void feed(std::string_view bytes);
  std::optional<reply> next();
  const std::string& error() const { return error_; }
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  enum class step : std::uint8_t { done, more, failed };
  step parse(reply& out, std::size_t& at, std::size_t depth);
  step line(std::size_t& at, std::string_view& out);
  step fail(std::string why);

  reader_limits limits_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace voxgate::net::redis
