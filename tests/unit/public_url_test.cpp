#include "net/public_url.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net;

TEST(PublicUrl, ConfiguredUrlLosesTrailingSlashesAndMapsToWss) {
  std::string why;
  auto b = public_base_from_config("https://Gw.Example.com///", &why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(b->http, "https://gw.example.com");
  EXPECT_EQ(b->ws, "wss://gw.example.com");
  EXPECT_EQ(b->ws_url("/twilio/media"), "wss://gw.example.com/twilio/media");
  EXPECT_EQ(b->http_url("/twilio/voice?businessId=acme"), "https://gw.example.com/twilio/voice?businessId=acme");
}

TEST(PublicUrl, ConfiguredUrlKeepsPortAndPathPrefix) {
  auto b = public_base_from_config("http://127.0.0.1:8080/voice/", nullptr);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->http, "http://127.0.0.1:8080/voice");
  EXPECT_EQ(b->ws, "ws://127.0.0.1:8080/voice");
}

TEST(PublicUrl, ConfiguredUrlRefusesQueryAndOtherSchemes) {
  std::string why;
  EXPECT_FALSE(public_base_from_config("https://gw.example.com/?token=1", &why));
  EXPECT_EQ(why, "PUBLIC_URL must not carry a query string");
  EXPECT_FALSE(public_base_from_config("wss://gw.example.com", &why));
  EXPECT_FALSE(public_base_from_config("gw.example.com", &why));
}

TEST(PublicUrl, DerivedFromForwardedHeadersSaysHow) {
  header_list h{
      {"host", "10.0.0.5:8080"}, {"x-forwarded-proto", "https, http"}, {"x-forwarded-host", "App.Example.com"}};
  auto b = derive_public_base(h, false);
  EXPECT_EQ(b.http, "https://app.example.com");
  EXPECT_EQ(b.ws, "wss://app.example.com");
  EXPECT_NE(b.how.find("X-Forwarded-Proto=https"), std::string::npos);
  EXPECT_NE(b.how.find("X-Forwarded-Host=App.Example.com"), std::string::npos);
}

TEST(PublicUrl, DerivedFromHostWhenNoProxyHeaders) {
  auto b = derive_public_base({{"host", "localhost:8080"}}, false);
  EXPECT_EQ(b.http, "http://localhost:8080");
  EXPECT_EQ(b.ws, "ws://localhost:8080");
  EXPECT_NE(b.how.find("Host=localhost:8080"), std::string::npos);
  EXPECT_EQ(derive_public_base({{"host", "h"}}, true).ws, "wss://h");
}

TEST(PublicUrl, IgnoresANonsenseForwardedProto) {
  auto b = derive_public_base({{"host", "h"}, {"x-forwarded-proto", "javascript"}}, false);
  EXPECT_EQ(b.http, "http://h");
}
