// A listener's address as the kernel binds it: what parses, what an IPv4-mapped address becomes, and
// which pairs of listeners on one port clash (the kernel's own answers: EADDRINUSE or not, with
// IPV6_V6ONLY off, as our listeners set it).
#include <gtest/gtest.h>

#include "net/listen_address.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net {
namespace {

TEST(ListenAddress, ParsesIpAddressesAndNothingElse) {
  for (const char* good :
       {"127.0.0.1", "0.0.0.0", "10.0.3.7", "::", "0:0::0", "::1", "2001:db8::1", "::ffff:127.0.0.1", "::1.2.3.4"})
    EXPECT_TRUE(parse_listen_address(good)) << good;
  for (const char* bad : {"", "localhost", "localhost:80", "127.0.0.1:80", "[::1]", "fe80::1%eth0", " 127.0.0.1",
                          "127.0.0.1 ", "1.2.3", "01.2.3.4", "256.0.0.1", "::g"})
    EXPECT_FALSE(parse_listen_address(bad)) << '"' << bad << '"';
}

TEST(ListenAddress, AnIpv4MappedAddressIsItsIpv4) {
  auto mapped = parse_listen_address("::ffff:10.0.3.7");
  auto plain = parse_listen_address("10.0.3.7");
  ASSERT_TRUE(mapped && plain);
  EXPECT_TRUE(mapped->v4);
  EXPECT_EQ(mapped->bytes, plain->bytes);
  EXPECT_EQ(mapped->bytes[0], 10);
  EXPECT_EQ(mapped->bytes[3], 7);

  auto any_mapped = parse_listen_address("::ffff:0.0.0.0");
  ASSERT_TRUE(any_mapped);
  EXPECT_TRUE(any_mapped->v4);
  EXPECT_TRUE(any_mapped->every());

  auto any6 = parse_listen_address("0:0:0:0:0:0:0:0");
  ASSERT_TRUE(any6);
  EXPECT_FALSE(any6->v4);
  EXPECT_TRUE(any6->every());
  EXPECT_FALSE(parse_listen_address("::1")->every());
}

TEST(ListenAddress, PairsClashAsTheKernelRefusesTheSecondBind) {
  struct pair {
    const char* a;
    const char* b;
    bool clash;
  };
  for (auto [a, b, clash] : std::initializer_list<pair>{
           {"127.0.0.1", "127.0.0.1", true},
           {"10.0.3.7", "127.0.0.1", false},
           {"0.0.0.0", "10.0.3.7", true},
           {"0.0.0.0", "0.0.0.0", true},
           {"0.0.0.0", "::1", false},  // IPv4's every address takes no IPv6 one
           {"::", "127.0.0.1", true},  // IPv6's takes IPv4's too (IPV6_V6ONLY off)
           {"::", "::1", true},
           {"0:0::0", "10.0.3.7", true},  // any spelling of ::
           {"::1", "::1", true},
           {"::1", "127.0.0.1", false},
           {"2001:db8::1", "2001:db8::2", false},
           {"::ffff:127.0.0.1", "127.0.0.1", true},
           {"::ffff:10.0.3.7", "0.0.0.0", true},
           {"::ffff:0.0.0.0", "10.0.0.1", true},  // the mapped every address is IPv4's
           {"::ffff:0.0.0.0", "::1", false},
           {"localhost", "127.0.0.1", false},  // not an address: its own setting's check refuses it
       }) {
    EXPECT_EQ(listen_addresses_overlap(a, b), clash) << a << " / " << b;
    EXPECT_EQ(listen_addresses_overlap(b, a), clash) << b << " / " << a;
  }
}

TEST(ListenAddress, TheSettingCheckNamesWhatIsWanted) {
  auto check = checks::address_to_bind();
  EXPECT_FALSE(check("::"));
  EXPECT_FALSE(check("127.0.0.1"));
  ASSERT_TRUE(check("voxgate.internal"));
  EXPECT_EQ(*check("voxgate.internal"), "an IP address to bind");
  EXPECT_TRUE(check("[::1]"));
}

}  // namespace
}  // namespace voxgate::net
