#include "net/providers/twilio/twiml.hpp"

#include <gtest/gtest.h>

using namespace voxgate::net;

TEST(Twiml, StreamUrlCarriesNoQueryStringAndParametersCarryTheData) {
  auto xml = twilio::connect_stream("wss://gw.example.com/twilio/media",
                                    {{"callSid", "CA1"}, {"token", "t.1.ab"}, {"businessId", "acme"}});
  EXPECT_NE(xml.find(R"(<Connect><Stream url="wss://gw.example.com/twilio/media">)"), std::string::npos);
  EXPECT_EQ(xml.find('?', xml.find("url=")), std::string::npos);
  EXPECT_NE(xml.find(R"(<Parameter name="businessId" value="acme"/>)"), std::string::npos);
  EXPECT_NE(xml.find(R"(<Parameter name="token" value="t.1.ab"/>)"), std::string::npos);
  EXPECT_EQ(xml.rfind("</Stream></Connect></Response>"), xml.size() - 30);
}

TEST(Twiml, EscapesXmlInValues) {
  auto xml = twilio::connect_stream("wss://h/m", {{"name", R"(<a & "b">)"}});
  EXPECT_NE(xml.find(R"(value="&lt;a &amp; &quot;b&quot;&gt;")"), std::string::npos);
}

TEST(Twiml, LeavesOutParametersOverTwiliosLimit) {
  auto xml = twilio::connect_stream("wss://h/m", {{"big", std::string(500, 'x')}, {"ok", "1"}});
  EXPECT_EQ(xml.find("big"), std::string::npos);
  EXPECT_NE(xml.find(R"(name="ok")"), std::string::npos);
}

TEST(Twiml, RefusalsSpeakOrReject) {
  EXPECT_NE(twilio::say_and_hangup("busy").find("<Say>busy</Say><Hangup/>"), std::string::npos);
  EXPECT_NE(twilio::reject("busy").find(R"(<Reject reason="busy"/>)"), std::string::npos);
}
