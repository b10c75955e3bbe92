#include "net/providers/twilio/signature.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net;

namespace {
// The vector Twilio's SDK test suites share.
const char* token = "12345";
const char* vector_url = "https://mycompany.com/myapp.php?foo=1&bar=2";
param_list params() {
  return {{"CallSid", "CA1234567890ABCDE"},
          {"Caller", "+14158675309"},
          {"Digits", "1234"},
          {"From", "+14158675309"},
          {"To", "+18005551212"}};
}
}  // namespace

TEST(TwilioSignature, MatchesTwilioDocumentedVector) {
  EXPECT_EQ(twilio::compute_signature(token, vector_url, params()), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(twilio::verify_signature(token, vector_url, params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, ParameterOrderDoesNotMatter) {
  auto p = params();
  std::reverse(p.begin(), p.end());
  EXPECT_TRUE(twilio::verify_signature(token, vector_url, p, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, RefusesAnyChange) {
  EXPECT_FALSE(twilio::verify_signature(token, vector_url, params(), ""));
  EXPECT_FALSE(twilio::verify_signature("54321", vector_url, params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(twilio::verify_signature(token, "https://mycompany.com/myapp.php?foo=1&bar=3", params(),
                                        "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  auto p = params();
  p[2].second = "1235";
  EXPECT_FALSE(twilio::verify_signature(token, vector_url, p, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, AcceptsTheDefaultPortMadeExplicitEitherWay) {
  auto sig = twilio::compute_signature(token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params());
  EXPECT_TRUE(twilio::verify_signature(token, vector_url, params(), sig));
  auto ws_sig = twilio::compute_signature(token, "wss://gw.example.com/twilio/media", {});
  EXPECT_TRUE(twilio::verify_signature(token, "wss://gw.example.com:443/twilio/media", {}, ws_sig));
  EXPECT_FALSE(twilio::verify_signature(token, "wss://gw.example.com:8443/twilio/media", {}, ws_sig));
}
