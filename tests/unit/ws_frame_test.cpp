#include "net/ws_frame.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace voxgate::net::ws;

namespace {

std::vector<std::uint8_t> server_frame(std::uint8_t first, std::string_view payload) {
  std::vector<std::uint8_t> f{first};
  if (payload.size() < 126) {
    f.push_back(static_cast<std::uint8_t>(payload.size()));
  } else {
    f.push_back(126);
    f.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    f.push_back(static_cast<std::uint8_t>(payload.size() & 0xff));
  }
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

std::string unmask(const std::string& frame, std::size_t header) {
  std::string out;
  for (std::size_t i = header + 4; i < frame.size(); ++i)
    out.push_back(static_cast<char>(frame[i] ^ frame[header + (i - header - 4) % 4]));
  return out;
}

}  // namespace

TEST(WsFrame, ClientFramesAreFinalMaskedAndCarryTheirLength) {
  std::string small, large;
  append_client_frame(small, opcode::text, "hello", 0x01020304u);
  ASSERT_EQ(small.size(), 2u + 4u + 5u);
  EXPECT_EQ(static_cast<std::uint8_t>(small[0]), 0x81);
  EXPECT_EQ(static_cast<std::uint8_t>(small[1]), 0x80 | 5);
  EXPECT_NE(small.substr(6), "hello");  // masked on the wire
  EXPECT_EQ(unmask(small, 2), "hello");

  std::string payload(300, 'x');
  append_client_frame(large, opcode::binary, payload, 0xdeadbeefu);
  EXPECT_EQ(static_cast<std::uint8_t>(large[0]), 0x82);
  EXPECT_EQ(static_cast<std::uint8_t>(large[1]), 0x80 | 126);
  EXPECT_EQ((static_cast<std::uint8_t>(large[2]) << 8) | static_cast<std::uint8_t>(large[3]), 300);
  EXPECT_EQ(unmask(large, 4), payload);
}

TEST(WsFrame, EveryByteIsMaskedWithItsKeyByteWhateverTheLength) {
  for (std::size_t n : {1u, 7u, 8u, 9u, 125u, 301u}) {
    std::string payload;
    for (std::size_t i = 0; i < n; ++i) payload.push_back(static_cast<char>(i * 37 + 11));
    std::string frame;
    append_client_frame(frame, opcode::text, payload, 0xa1b2c3d4u);
    std::size_t header = n < 126 ? 2 : 4;
    ASSERT_EQ(frame.size(), header + 4 + n);
    EXPECT_EQ(frame.substr(header, 4), "\xa1\xb2\xc3\xd4");
    EXPECT_EQ(unmask(frame, header), payload) << n << " bytes";
  }
}

TEST(WsFrame, ReaderWaitsForWholeFramesAndReadsSeveralFromOneBuffer) {
  auto a = server_frame(0x81, "first");
  auto b = server_frame(0x81, std::string(200, 'b'));
  std::vector<std::uint8_t> bytes(a);
  bytes.insert(bytes.end(), b.begin(), b.end());
  frame_reader r;
  frame_reader::frame f;
  std::size_t used = 0;
  EXPECT_EQ(r.next(bytes.data(), 1, used, f), frame_reader::status::need_more);
  EXPECT_EQ(r.next(bytes.data(), a.size() + 3, used, f), frame_reader::status::frame);
  EXPECT_EQ(f.payload, "first");
  EXPECT_EQ(used, a.size());
  EXPECT_EQ(r.next(bytes.data() + used, 3, used, f), frame_reader::status::need_more);
  EXPECT_EQ(r.next(bytes.data() + a.size(), b.size(), used, f), frame_reader::status::frame);
  EXPECT_EQ(f.payload, std::string(200, 'b'));
}

TEST(WsFrame, FragmentsAreReassembledAroundAPing) {
  std::vector<std::uint8_t> bytes;
  for (auto part : {server_frame(0x01, "hel"), server_frame(0x89, "p"), server_frame(0x80, "lo")})
    bytes.insert(bytes.end(), part.begin(), part.end());
  frame_reader r;
  frame_reader::frame f;
  std::size_t at = 0, used = 0;
  ASSERT_EQ(r.next(bytes.data(), bytes.size(), used, f), frame_reader::status::frame);
  EXPECT_EQ(f.op, opcode::ping);
  at += used;
  ASSERT_EQ(r.next(bytes.data() + at, bytes.size() - at, used, f), frame_reader::status::frame);
  EXPECT_EQ(f.op, opcode::text);
  EXPECT_EQ(f.payload, "hello");
}

TEST(WsFrame, ProtocolViolationsAreErrorsWithAReason) {
  frame_reader::frame f;
  std::size_t used = 0;
  std::vector<std::uint8_t> masked{0x81, 0x81, 1, 2, 3, 4, 'x'};
  frame_reader a;
  EXPECT_EQ(a.next(masked.data(), masked.size(), used, f), frame_reader::status::error);
  EXPECT_NE(a.error().find("masked"), std::string::npos);

  auto big = server_frame(0x81, std::string(300, 'y'));
  frame_reader b(100);
  EXPECT_EQ(b.next(big.data(), big.size(), used, f), frame_reader::status::error);

  auto orphan = server_frame(0x80, "tail");
  frame_reader c;
  EXPECT_EQ(c.next(orphan.data(), orphan.size(), used, f), frame_reader::status::error);

  // RFC 6455 5.2: opcodes 3-7 and 0xB-0xF are reserved; a frame using one fails the connection
  // (found by the ws_frame fuzzer, which saw 0xB passed on as a frame).
  for (std::uint8_t op : {0x3, 0x7, 0xB, 0xF}) {
    auto reserved = server_frame(static_cast<std::uint8_t>(0x80 | op), "");
    frame_reader d;
    EXPECT_EQ(d.next(reserved.data(), reserved.size(), used, f), frame_reader::status::error) << int(op);
    EXPECT_NE(d.error().find("unknown opcode"), std::string::npos);
  }
}

TEST(WsFrame, AcceptKeyMatchesRfc6455Example) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsFrame, AServersReaderUnmasksClientFramesAndRefusesUnmaskedOnes) {
  std::string bytes;
  append_client_frame(bytes, opcode::text, "hello", 0x11223344u);
  append_client_frame(bytes, opcode::binary, std::string(300, 'z'), 0xcafef00du);
  std::vector<std::uint8_t> buffer(bytes.begin(), bytes.end());
  frame_reader r(1 << 20, true);
  frame_reader::frame f;
  std::size_t used = 0;
  ASSERT_EQ(r.next(buffer.data(), 8, used, f), frame_reader::status::need_more);  // the key, not all of the payload
  ASSERT_EQ(r.next(buffer.data(), buffer.size(), used, f), frame_reader::status::frame);
  EXPECT_EQ(f.op, opcode::text);
  EXPECT_EQ(f.payload, "hello");
  std::size_t at = used;
  ASSERT_EQ(r.next(buffer.data() + at, buffer.size() - at, used, f), frame_reader::status::frame);
  EXPECT_EQ(f.op, opcode::binary);
  EXPECT_EQ(f.payload, std::string(300, 'z'));

  auto unmasked = server_frame(0x81, "plain");
  frame_reader strict(1 << 20, true);
  EXPECT_EQ(strict.next(unmasked.data(), unmasked.size(), used, f), frame_reader::status::error);
  EXPECT_EQ(strict.error(), "the client did not mask a frame");
}

TEST(WsFrame, AServersFrameIsUnmaskedAndReadsBackAsItWasWritten) {
  std::string frame;
  append_server_frame(frame, opcode::text, std::string(70000, 'q'));
  ASSERT_EQ(frame.size(), 10u + 70000u);
  EXPECT_EQ(static_cast<std::uint8_t>(frame[1]), 127);
  std::vector<std::uint8_t> buffer(frame.begin(), frame.end());
  frame_reader r;
  frame_reader::frame f;
  std::size_t used = 0;
  ASSERT_EQ(r.next(buffer.data(), buffer.size(), used, f), frame_reader::status::frame);
  EXPECT_EQ(f.payload.size(), 70000u);
}

TEST(WsFrame, Utf8IsCheckedAsRfc3629DefinesIt) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8(R"({"event":"media","payload":"fn5+"})"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e"));  // é, €, a telephone receiver
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));              // an overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));          // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(valid_utf8("long ascii run then \xe2\x82"));  // cut short
  EXPECT_FALSE(valid_utf8("\xff"));
}

TEST(WsFrame, TheBoundIsPerMessageNotPerConnection) {
  frame_reader r(100);
  std::vector<std::uint8_t> bytes;
  for (auto part : {server_frame(0x01, std::string(30, 'a')), server_frame(0x80, std::string(30, 'b')),
                    server_frame(0x89, std::string(60, 'p')), server_frame(0x81, std::string(90, 'c'))})
    bytes.insert(bytes.end(), part.begin(), part.end());
  frame_reader::frame f;
  std::size_t at = 0, used = 0;
  ASSERT_EQ(r.next(bytes.data(), bytes.size(), used, f), frame_reader::status::frame);
  EXPECT_EQ(f.payload.size(), 60u);  // the two fragments, within 100
  at += used;
  ASSERT_EQ(r.next(bytes.data() + at, bytes.size() - at, used, f), frame_reader::status::frame) << r.error();
  EXPECT_EQ(f.op, opcode::ping);  // 60 more bytes, but a message of its own
  at += used;
  ASSERT_EQ(r.next(bytes.data() + at, bytes.size() - at, used, f), frame_reader::status::frame) << r.error();
  EXPECT_EQ(f.payload.size(), 90u);
}

TEST(WsFrame, ALengthNotInItsShortestFormIsAnError) {
  std::vector<std::uint8_t> padded{0x81, 126, 0, 5, 'h', 'e', 'l', 'l', 'o'};
  frame_reader r;
  frame_reader::frame f;
  std::size_t used = 0;
  EXPECT_EQ(r.next(padded.data(), padded.size(), used, f), frame_reader::status::error);
  std::vector<std::uint8_t> top_bit{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0};
  frame_reader big;
  EXPECT_EQ(big.next(top_bit.data(), top_bit.size(), used, f), frame_reader::status::error);
  EXPECT_NE(big.error().find("shortest form"), std::string::npos);
  EXPECT_FALSE(big.too_big());  // a broken frame (1002), not one over the bound (1009)
  auto over = server_frame(0x81, std::string(200, 'o'));
  frame_reader small(100);
  EXPECT_EQ(small.next(over.data(), over.size(), used, f), frame_reader::status::error);
  EXPECT_TRUE(small.too_big());
}
