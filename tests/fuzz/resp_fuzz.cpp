// RESP2 replies (net/redis/resp): the reader fed the same bytes whole and in arbitrary pieces must
// agree, stay inside its limits, and a command built from any strings reads back as those strings.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "net/redis/resp.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace redis = voxgate::net::redis;

namespace {

struct outcome {
  std::vector<redis::reply> replies;
  bool error = false;
};

bool same(const redis::reply& a, const redis::reply& b) {
  if (a.type != b.type || a.text != b.text || a.integer != b.integer || a.elements.size() != b.elements.size())
    return false;
  for (std::size_t i = 0; i < a.elements.size(); ++i)
    if (!same(a.elements[i], b.elements[i])) return false;
  return true;
}

void check_limits(const redis::reply& r, const redis::reader_limits& l, std::size_t depth) {
  FUZZ_CHECK(depth <= l.max_depth);
  if (r.type == redis::reply::kind::bulk) FUZZ_CHECK(r.text.size() <= l.max_bulk);
  FUZZ_CHECK(r.elements.size() <= l.max_elements);
  for (const auto& e : r.elements) check_limits(e, l, depth + 1);
}

outcome read(std::string_view stream, const std::vector<std::size_t>& pieces, const redis::reader_limits& limits) {
  redis::reader reader(limits);
  outcome o;
  std::size_t at = 0;
  auto take = [&] {
    while (auto r = reader.next()) {
      check_limits(*r, limits, 0);
      o.replies.push_back(std::move(*r));
    }
  };
  for (auto n : pieces) {
    if (at >= stream.size()) break;
    reader.feed(stream.substr(at, n));
    at += n;
    take();
  }
  if (at < stream.size()) reader.feed(stream.substr(at));
  take();
  o.error = !reader.error().empty();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  redis::reader_limits limits;
  limits.max_bulk = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
  limits.max_elements = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  limits.max_depth = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  limits.max_line = in.ConsumeIntegralInRange<std::size_t>(1, 256);
  std::vector<std::size_t> pieces;
  for (int i = in.ConsumeIntegralInRange(0, 16); i > 0; --i) pieces.push_back(in.ConsumeIntegralInRange<std::size_t>(1, 64));
  std::vector<std::string> args;
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) args.push_back(in.ConsumeRandomLengthString(64));
  std::string stream = in.ConsumeRemainingBytesAsString();

  auto whole = read(stream, {}, limits);
  auto split = read(stream, pieces, limits);
  FUZZ_CHECK(whole.error == split.error);
  FUZZ_CHECK(whole.replies.size() == split.replies.size());
  for (std::size_t i = 0; i < whole.replies.size(); ++i) FUZZ_CHECK(same(whole.replies[i], split.replies[i]));

  // A command built from any strings is an array of exactly those bulk strings.
  std::vector<std::string_view> views(args.begin(), args.end());
  redis::reader back;
  back.feed(redis::command(views));
  auto r = back.next();
  FUZZ_CHECK(r && back.error().empty() && back.buffered() == 0);
  FUZZ_CHECK(r->type == redis::reply::kind::array && r->elements.size() == args.size());
  for (std::size_t i = 0; i < args.size(); ++i) FUZZ_CHECK(r->elements[i].text == args[i]);
  return 0;
}
