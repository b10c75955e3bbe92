#include "net/url.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net;

TEST(Url, ParsesSchemeHostPortAndTarget) {
  auto u = parse_url("WSS://Gw.Example.COM:8443/twilio/media?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "wss");
  EXPECT_EQ(u->host, "gw.example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/twilio/media?x=1");
  EXPECT_EQ(u->path(), "/twilio/media");
  EXPECT_EQ(u->query(), "x=1");
  EXPECT_TRUE(u->tls());
  auto bare = parse_url("http://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->target, "/");
  EXPECT_EQ(bare->effective_port(), 80);
}

// The brackets belong to the URL's syntax, not to the address: a resolver or TLS takes it bare.
TEST(Url, AnIpv6LiteralKeepsItsBracketsInTheHostAndLosesThemForTheResolver) {
  auto v6 = parse_url("ws://[FD00::1]:8081/internal/relay");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "[fd00::1]");
  EXPECT_EQ(v6->port, 8081);
  EXPECT_EQ(v6->host_port(), "[fd00::1]:8081");
  EXPECT_EQ(v6->bare_host(), "fd00::1");
  EXPECT_EQ(parse_url("http://10.0.0.7:8081/")->bare_host(), "10.0.0.7");
  EXPECT_EQ(parse_url("https://gw.example.com/")->bare_host(), "gw.example.com");
}

TEST(Url, RefusesWhatIsNotAnAbsoluteHttpOrWsUrl) {
  for (const char* bad : {"", "gw.example.com/x", "ftp://x/", "http://", "http://:80/", "http://h:0/",
                          "http://h:99999/", "http://user@h/", "http://h:12a/",
                          // no colon or bracket outside an IPv6 literal, no space or control character
                          // (the url fuzzer found "\0]:8M:80" read as host "\0]:8M", port 80)
                          "http://]:8M:80/", "http://a]b/", "http://[::1/", "http://h h/", "http://h\x01/"})
    EXPECT_FALSE(parse_url(bad)) << bad;
}

TEST(Form, DecodesPercentAndPlus) {
  auto f = parse_form("From=%2B14155550100&Name=Ada+Lovelace&Empty=&Flag");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ(*find_param(*f, "From"), "+14155550100");
  EXPECT_EQ(*find_param(*f, "Name"), "Ada Lovelace");
  EXPECT_EQ(*find_param(*f, "Empty"), "");
  EXPECT_EQ(*find_param(*f, "Flag"), "");
  EXPECT_EQ(find_param(*f, "Missing"), nullptr);
}

TEST(Form, RefusesMalformedEscapes) {
  EXPECT_FALSE(parse_form("a=%2"));
  EXPECT_FALSE(parse_form("a=%zz"));
  EXPECT_FALSE(parse_form("a%=1"));
}

TEST(Form, EncodeThenParseRoundTrips) {
  param_list p{{"a b", "c&d=e"}, {"plus", "+1"}};
  auto back = parse_form(encode_form(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
}
