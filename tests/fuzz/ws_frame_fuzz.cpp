// RFC 6455 framing of the gateway's connections and the tools: the incremental reader, in either
// role, fed the same bytes whole and in arbitrary pieces must agree; a client frame reads back through
// a server's reader, a server frame through a client's, and the UTF-8 check agrees with a plain decoder.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <utility>
#include <vector>

#include "net/ws_frame.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace ws = voxgate::net::ws;

namespace {

struct outcome {
  std::vector<std::pair<ws::opcode, std::string>> frames;
  bool error = false;
};

bool valid_op(ws::opcode op) {
  switch (op) {
    case ws::opcode::text:
    case ws::opcode::binary:
    case ws::opcode::close:
    case ws::opcode::ping:
    case ws::opcode::pong:
      return true;
    case ws::opcode::continuation:
      return false;
  }
  return false;
}

// Feeds `stream` as it would arrive in the given piece sizes (the rest at the end), advancing the
// window by `consumed` after each call as the API asks.
outcome read(std::string_view stream, const std::vector<std::size_t>& pieces, std::size_t max_message,
             bool masked = false) {
  ws::frame_reader reader(max_message, masked);
  outcome o;
  std::string window;  // bytes arrived but not consumed
  std::size_t fed = 0, next_piece = 0;
  while (true) {
    std::size_t consumed = 0;
    ws::frame_reader::frame f;
    auto s = reader.next(reinterpret_cast<std::uint8_t*>(window.data()), window.size(), consumed, f);
    FUZZ_CHECK(consumed <= window.size());
    if (s == ws::frame_reader::status::frame) {
      FUZZ_CHECK(valid_op(f.op));
      FUZZ_CHECK(f.payload.size() <= max_message);
      if (static_cast<std::uint8_t>(f.op) >= 8) FUZZ_CHECK(f.payload.size() <= 125);
      o.frames.emplace_back(f.op, std::string(f.payload));
    } else if (s == ws::frame_reader::status::error) {
      FUZZ_CHECK(!reader.error().empty());
      o.error = true;
      return o;
    }
    window.erase(0, consumed);
    if (s == ws::frame_reader::status::need_more) {
      if (fed == stream.size()) return o;
      std::size_t n = next_piece < pieces.size() ? pieces[next_piece++] : stream.size() - fed;
      n = std::min(n, stream.size() - fed);
      window.append(stream.substr(fed, n));
      fed += n;
    }
  }
}

// Code point by code point, as RFC 3629 defines well-formed UTF-8: the reference for valid_utf8.
bool plain_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  std::size_t max_message = in.ConsumeBool() ? std::size_t{1} << 20 : in.ConsumeIntegralInRange<std::size_t>(0, 300);
  std::vector<std::size_t> pieces(in.ConsumeIntegralInRange<std::size_t>(0, 8));
  for (auto& p : pieces) p = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  auto mask = in.ConsumeIntegral<std::uint32_t>();
  auto op = static_cast<ws::opcode>(in.PickValueInArray({0, 1, 2, 8, 9, 10}));
  auto payload = in.ConsumeRandomLengthString(400);
  auto stream = in.ConsumeRemainingBytesAsString();

  for (bool masked : {false, true}) {
    auto whole = read(stream, {}, max_message, masked);
    auto split = read(stream, pieces, max_message, masked);
    FUZZ_CHECK(whole.error == split.error && whole.frames == split.frames);
  }
  FUZZ_CHECK(ws::valid_utf8(stream) == plain_utf8(stream));

  // A client frame: final, masked with the key, and once unmasked a server frame the reader accepts.
  std::string frame = "prefix";
  ws::append_client_frame(frame, op, payload, mask);
  std::string_view f(frame);
  f.remove_prefix(6);
  std::size_t head = payload.size() < 126 ? 2 : payload.size() <= 0xffff ? 4 : 10;
  FUZZ_CHECK(f.size() == head + 4 + payload.size());
  FUZZ_CHECK(static_cast<std::uint8_t>(f[0]) == (0x80 | static_cast<std::uint8_t>(op)));
  FUZZ_CHECK(static_cast<std::uint8_t>(f[1]) & 0x80);
  std::string server(f.substr(0, head));
  server[1] = static_cast<char>(server[1] & 0x7f);
  for (std::size_t i = 0; i < payload.size(); ++i) server.push_back(static_cast<char>(f[head + 4 + i] ^ f[head + (i & 3)]));
  auto back = read(server, pieces, max_message);
  bool acceptable = op != ws::opcode::continuation && payload.size() <= max_message &&
                    (static_cast<std::uint8_t>(op) < 8 || payload.size() <= 125);
  FUZZ_CHECK(back.error == !acceptable);
  if (acceptable) FUZZ_CHECK(back.frames.size() == 1 && back.frames[0].first == op && back.frames[0].second == payload);
  // The same frame as the client sent it, read by a server; and a server's own frame read back.
  auto masked_back = read(f, pieces, max_message, true);
  FUZZ_CHECK(masked_back.error == back.error && masked_back.frames == back.frames);
  std::string plain;
  ws::append_server_frame(plain, op, payload);
  FUZZ_CHECK(plain == server);

  FUZZ_CHECK(ws::accept_key(payload).size() == 28);
  return 0;
}
