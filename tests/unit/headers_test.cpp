#include "net/headers.hpp"

#include <gtest/gtest.h>

namespace voxgate::net {
namespace {

constexpr std::string_view head =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nsec-websocket-ACCEPT:   s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Content-Length-Extra: 9\r\nContent-Length: 12\r\n\r\n";

TEST(HeaderInHead, FindsAValueByCaseInsensitiveNameWithLeadingSpacesTrimmed) {
  EXPECT_EQ(header_in_head(head, "Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(header_in_head(head, "upgrade"), "websocket");
}

TEST(HeaderInHead, ANameIsNotMatchedByALongerOneOrByTheStatusLine) {
  EXPECT_EQ(header_in_head(head, "Content-Length"), "12");
  EXPECT_EQ(header_in_head(head, "HTTP/1.1 101 Switching Protocols"), "");
  EXPECT_EQ(header_in_head(head, "Connection"), "");
}

TEST(HeaderInHead, TheLastLineNeedsNoTrailingCrlf) {
  EXPECT_EQ(header_in_head("POST / HTTP/1.1\r\nHost: gw.example.test", "host"), "gw.example.test");
}

TEST(BearerToken, TheSchemeInAnyCaseThenTheTokenWithoutItsSpaces) {
  EXPECT_EQ(bearer_token("Bearer s3cret"), "s3cret");
  EXPECT_EQ(bearer_token("bEARER   s3cret  "), "s3cret");
  EXPECT_EQ(bearer_token("Bearer a.b.c"), "a.b.c");
  for (const char* none : {"", "Bearer", "Bearer ", "Bearer    ", "Basic czNjcmV0", "s3cret", "Bearers3cret"})
    EXPECT_EQ(bearer_token(none), std::nullopt) << none;
}

}  // namespace
}  // namespace voxgate::net
