#include "codecs/base64.hpp"

#include <gtest/gtest.h>

#include <random>

namespace b64 = voxgate::codecs::base64;

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, enc] : vectors) {
    EXPECT_EQ(b64::encode(raw), enc);
    auto dec = b64::decode(enc);
    ASSERT_TRUE(dec) << enc;
    EXPECT_EQ(*dec, raw);
    EXPECT_TRUE(b64::is_valid(enc));
  }
}

TEST(Base64, RefusesWhatIsNotStrictStandardBase64) {
  for (const char* bad :
       {"Zg=", "Zg", "Zg==Zg==", "Z-8=", "Z_8=", "Zm9v\n", "Zm 9v", "Zh==", "Zm9=", "====", "=Zm9", "Z=g="}) {
    EXPECT_FALSE(b64::decode(bad)) << bad;
  }
  for (const char* bad : {"Zg=", "Z-8=", "Zm9v\n", "====", "Z=g="}) EXPECT_FALSE(b64::is_valid(bad)) << bad;
}

TEST(Base64, RandomBytesRoundTrip) {
  std::mt19937 rng(42);
  for (int len = 0; len < 400; ++len) {
    std::string raw(static_cast<std::size_t>(len), '\0');
    for (auto& c : raw) c = static_cast<char>(rng());
    auto enc = b64::encode(raw);
    EXPECT_EQ(enc.size(), b64::encoded_size(raw.size()));
    auto dec = b64::decode(enc);
    ASSERT_TRUE(dec);
    EXPECT_EQ(*dec, raw);
  }
}

TEST(Base64, DecodesInPlaceOverItsOwnText) {
  std::string raw(160, '\0');
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(i * 7);
  std::string buffer = "{\"payload\":\"" + b64::encode(raw) + "\"}";
  std::string_view payload(buffer.data() + 12, b64::encoded_size(raw.size()));
  auto n = b64::decode(payload, reinterpret_cast<std::uint8_t*>(buffer.data()));
  ASSERT_TRUE(n);
  buffer.resize(*n);
  EXPECT_EQ(buffer, raw);
}
