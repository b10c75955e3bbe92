// RESP2: commands as arrays of bulk strings, replies read from any pieces, every size bounded.
#include "net/redis/resp.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net::redis;

namespace {

std::vector<reply> read_all(std::string_view bytes, std::size_t piece, reader_limits limits = {}) {
  reader r(limits);
  std::vector<reply> out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    r.feed(bytes.substr(at, piece));
    while (auto x = r.next()) out.push_back(std::move(*x));
  }
  EXPECT_EQ(r.error(), "");
  return out;
}

}  // namespace

TEST(Resp, ACommandIsAnArrayOfBulkStringsSoAnyBytesPass) {
  EXPECT_EQ(command({"SET", "call:CA1", "a b\r\nc", "NX", "PX", "30000"}),
            "*6\r\n$3\r\nSET\r\n$8\r\ncall:CA1\r\n$6\r\na b\r\nc\r\n$2\r\nNX\r\n$2\r\nPX\r\n$5\r\n30000\r\n");
  EXPECT_EQ(command({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(command({"GET", ""}), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}

TEST(Resp, EveryReplyTypeReadsInAnyPieces) {
  // As redis-server writes them (redis.io/docs/reference/protocol-spec, RESP2).
  std::string wire = "+OK\r\n-ERR unknown command 'FOO'\r\n:1000\r\n:-1\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n"
                     "*3\r\n$3\r\nfoo\r\n:42\r\n*1\r\n$-1\r\n";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    auto r = read_all(wire, piece);
    ASSERT_EQ(r.size(), 9u) << "pieces of " << piece;
    EXPECT_TRUE(r[0].ok());
    EXPECT_TRUE(r[1].is_error());
    EXPECT_EQ(r[1].text, "ERR unknown command 'FOO'");
    EXPECT_EQ(r[2].integer, 1000);
    EXPECT_EQ(r[3].integer, -1);
    EXPECT_EQ(r[4].type, reply::kind::bulk);
    EXPECT_EQ(r[4].text, "hello");
    EXPECT_EQ(r[5].text, "");
    EXPECT_EQ(r[5].type, reply::kind::bulk);
    EXPECT_TRUE(r[6].is_nil());
    EXPECT_TRUE(r[7].is_nil());
    ASSERT_EQ(r[8].elements.size(), 3u);
    EXPECT_EQ(r[8].elements[0].text, "foo");
    EXPECT_EQ(r[8].elements[1].integer, 42);
    ASSERT_EQ(r[8].elements[2].elements.size(), 1u);
    EXPECT_TRUE(r[8].elements[2].elements[0].is_nil());
  }
}

TEST(Resp, ABulkStringMayHoldCrlfAndBinary) {
  std::string payload("a\r\nb\0c", 6);
  auto r = read_all("$6\r\n" + payload + "\r\n", 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, payload);
}

TEST(Resp, WhatIsNotRespOrTooBigIsAFinalError) {
  struct bad {
    std::string wire;
    const char* why;
  };
  reader_limits small;
  small.max_bulk = 10;
  small.max_elements = 3;
  small.max_depth = 2;
  small.max_line = 16;
  for (const auto& b : {bad{"HTTP/1.1 400 Bad Request\r\n", "not a RESP type"},
                        bad{"$11\r\nhello world\r\n", "over 10"},
                        bad{"$-2\r\n", "bad length"},
                        bad{"$3\r\nabcd\r\n", "not ended by CRLF"},
                        bad{"*4\r\n", "over 3"},
                        bad{"*1\r\n*1\r\n*1\r\n:1\r\n", "nested deeper"},
                        bad{":12x\r\n", "not a number"},
                        bad{"+" + std::string(40, 'a'), "longer than 16"}}) {
    reader r(small);
    r.feed(b.wire);
    EXPECT_FALSE(r.next()) << b.wire;
    EXPECT_NE(r.error().find(b.why), std::string::npos) << b.wire << " -> " << r.error();
    r.feed("+OK\r\n");
    EXPECT_FALSE(r.next()) << "an error is final";
  }
}

TEST(Resp, ALineAtItsLimitMayArriveOneByteAtATime) {
  // Found by the fuzzer: "$5\r" with the '\n' still to come was taken for a line over a 1-byte limit.
  reader_limits limits;
  limits.max_line = 1;
  for (std::size_t piece : {1u, 2u, 100u}) {
    auto r = read_all("$5\r\nhello\r\n", piece, limits);
    ASSERT_EQ(r.size(), 1u) << piece;
    EXPECT_EQ(r[0].text, "hello");
  }
}

TEST(Resp, AReplyThatNeverEndsIsBoundedAsAWhole) {
  reader_limits limits;
  limits.max_reply = 100;
  reader r(limits);
  r.feed("*50\r\n");
  for (int i = 0; i < 20 && r.error().empty(); ++i) {
    r.feed("$3\r\nabc\r\n");
    EXPECT_FALSE(r.next());
  }
  EXPECT_NE(r.error().find("over 100 bytes"), std::string::npos) << r.error();
}

TEST(Resp, AnIncompleteReplyWaitsForTheRest) {
  reader r;
  r.feed("*2\r\n$3\r\nfoo\r\n");
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.error(), "");
  r.feed("$3\r\nba");
  EXPECT_FALSE(r.next());
  r.feed("r\r\n+PONG\r\n");
  auto first = r.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->elements[1].text, "bar");
  auto second = r.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->text, "PONG");
  EXPECT_EQ(r.buffered(), 0u);
}
