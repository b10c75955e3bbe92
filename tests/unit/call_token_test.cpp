#include "net/call_token.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net;

TEST(CallToken, VerifiesForItsOwnCallUntilItExpires) {
  auto t = mint_call_token("secret", "CA0123", 1000);
  std::string id;
  EXPECT_EQ(verify_call_token("secret", t, "CA0123", 999, &id), token_check::ok);
  EXPECT_EQ(id, "CA0123");
  EXPECT_EQ(verify_call_token("secret", t, "", 1000), token_check::ok);
  EXPECT_EQ(verify_call_token("secret", t, "CA0123", 1001), token_check::expired);
  EXPECT_EQ(verify_call_token("secret", t, "CA9999", 999), token_check::wrong_call);
}

TEST(CallToken, TelnyxIdsWithColonsArePathSafe) {
  auto t = mint_call_token("k", "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg", 50);
  EXPECT_EQ(t.find_first_of("/?#% "), std::string::npos);
  EXPECT_EQ(verify_call_token("k", t, "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg", 10),
            token_check::ok);
}

TEST(CallToken, RefusesForgedOrMangledTokens) {
  auto t = mint_call_token("secret", "CA0123", 1000);
  EXPECT_EQ(verify_call_token("other", t, "CA0123", 0), token_check::bad_signature);
  auto tampered = t;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify_call_token("secret", tampered, "CA0123", 0), token_check::bad_signature);
  // Moving the expiry forward breaks the signature.
  auto extended = "CA0123.9999." + t.substr(t.rfind('.') + 1);
  EXPECT_EQ(verify_call_token("secret", extended, "CA0123", 0), token_check::bad_signature);
  for (const char* bad : {"", "nodots", "a.b", "CA0123.x.abc", ".5.abc", "CA 1.5.abc"})
    EXPECT_EQ(verify_call_token("secret", bad, "", 0), token_check::malformed) << bad;
  EXPECT_EQ(verify_call_token("secret", std::string(600, 'a'), "", 0), token_check::malformed);
}
