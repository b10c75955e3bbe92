#include "tools/sim/twilio_caller.hpp"

#include <gtest/gtest.h>

#include "codecs/base64.hpp"

using namespace voxgate::sim::twilio;

TEST(TwilioCaller, MediaMessageIsTwiliosShapeAppendedAfterWhatWasThere) {
  std::string out = "prefix";
  append_media_message(out, "MZ01", 123456789012ull, 3, voxgate::codecs::base64::encode(std::string(3, '\x7f')));
  EXPECT_EQ(out, R"(prefix{"event":"media","sequenceNumber":"123456789012","media":{"track":"inbound","chunk":"3",)"
                 R"("timestamp":"40","payload":"f39/"},"streamSid":"MZ01"})");
  EXPECT_EQ(media_message("MZ01", 123456789012ull, 3, std::string(3, '\x7f')), out.substr(6));
}

TEST(TwilioCaller, StreamInstructionCarriesUrlAndParameters) {
  auto s = parse_stream_instruction(
      R"(<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://gw.example/twilio/media"><Parameter name="token" value="a&amp;b"/><Parameter name="from" value="+1555"/></Stream></Connect></Response>)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->url, "wss://gw.example/twilio/media");
  ASSERT_EQ(s->parameters.size(), 2u);
  EXPECT_EQ(s->parameters[0].first, "token");
  EXPECT_EQ(s->parameters[0].second, "a&b");
  EXPECT_EQ(s->parameters[1].second, "+1555");
}

TEST(TwilioCaller, RefusalTwimlHasNoStreamInstruction) {
  EXPECT_FALSE(parse_stream_instruction("<Response><Say>We are busy.</Say><Hangup/></Response>"));
  EXPECT_FALSE(parse_stream_instruction("<Response><Connect><Stream/></Connect></Response>"));
}
