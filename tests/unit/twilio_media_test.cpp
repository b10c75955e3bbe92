#include "net/providers/twilio/media.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "codecs/base64.hpp"

using namespace voxgate::net;

namespace {
const twilio::media_codec codec;

std::string start_frame() {
  return R"({"event":"start","sequenceNumber":"1","start":{"accountSid":"AC1","streamSid":"MZ1","callSid":"CA1",)"
         R"("tracks":["inbound"],"customParameters":{"token":"t.1.x","businessId":"acme"},)"
         R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ1"})";
}
}  // namespace

TEST(TwilioMedia, ParsesStartWithCustomParameters) {
  auto f = start_frame();
  media_event ev;
  ASSERT_EQ(codec.parse(f, ev), "");
  ASSERT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.start->stream_id, "MZ1");
  EXPECT_EQ(ev.start->call_id, "CA1");
  EXPECT_EQ(ev.start->format, voxgate::codecs::audio_format::g711_ulaw());
  ASSERT_NE(find_param(ev.start->custom_parameters, "businessId"), nullptr);
  EXPECT_EQ(*find_param(ev.start->custom_parameters, "businessId"), "acme");
  EXPECT_EQ(ev.sequence, 1u);
}

TEST(TwilioMedia, ParsesMediaWithCountersAsStringsOrNumbers) {
  std::string f =
      R"({"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"2","timestamp":"5","payload":"AAEC"},"streamSid":"MZ1"})";
  media_event ev;
  ASSERT_EQ(codec.parse(f, ev), "");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_EQ(ev.payload, "AAEC");
  EXPECT_EQ(ev.sequence, 4u);
  EXPECT_EQ(ev.chunk, 2u);
  EXPECT_EQ(ev.timestamp_ms, 5u);
  std::string outbound = R"({"event":"media","media":{"track":"outbound","chunk":"1","payload":"AAEC"}})";
  ASSERT_EQ(codec.parse(outbound, ev), "");
  EXPECT_EQ(ev.kind, media_kind::ignored);  // only the caller's audio is bridged
  std::string g = R"({"event":"media","sequenceNumber":7,"media":{"timestamp":40,"payload":"AAEC"}})";
  ASSERT_EQ(codec.parse(g, ev), "");
  EXPECT_EQ(ev.sequence, 7u);
  EXPECT_EQ(ev.timestamp_ms, 40u);
}

TEST(TwilioMedia, ParsesMarkDtmfStopAndIgnoresUnknownEvents) {
  media_event ev;
  std::string mark = R"({"event":"mark","streamSid":"MZ1","mark":{"name":"g0.1.100"}})";
  ASSERT_EQ(codec.parse(mark, ev), "");
  EXPECT_EQ(ev.kind, media_kind::mark);
  EXPECT_EQ(ev.text, "g0.1.100");
  std::string dtmf = R"({"event":"dtmf","dtmf":{"track":"inbound_track","digit":"5"}})";
  ASSERT_EQ(codec.parse(dtmf, ev), "");
  EXPECT_EQ(ev.kind, media_kind::dtmf);
  EXPECT_EQ(ev.text, "5");
  std::string stop = R"({"event":"stop","stop":{"callSid":"CA1"}})";
  ASSERT_EQ(codec.parse(stop, ev), "");
  EXPECT_EQ(ev.kind, media_kind::stop);
  std::string novel = R"({"event":"shiny-new-thing","x":1})";
  ASSERT_EQ(codec.parse(novel, ev), "");
  EXPECT_EQ(ev.kind, media_kind::ignored);
  EXPECT_EQ(ev.text, "shiny-new-thing");
}

TEST(TwilioMedia, RefusesMalformedFramesWithAReason) {
  media_event ev;
  for (std::string bad :
       {std::string("not json"), std::string("[1,2]"), std::string(R"({"no":"event"})"),
        std::string(R"({"event":"media","media":{}})"), std::string(R"({"event":"start","start":{}})"),
        std::string(R"({"event":"mark","mark":{}})"), std::string(R"({"event":"dtmf","dtmf":{"digit":"12"}})"),
        std::string(
            R"({"event":"start","start":{"streamSid":"MZ","callSid":"CA","mediaFormat":{"encoding":"audio/l16"}}})")}) {
    auto copy = bad;
    EXPECT_NE(codec.parse(copy, ev), "") << bad;
  }
}

TEST(TwilioMedia, BuildsOutboundMediaMarkAndClear) {
  std::string out;
  std::uint8_t audio[3] = {0xFF, 0x7F, 0x00};
  codec.build_media("MZ1", audio, out);
  rapidjson::Document d;
  d.Parse(out.c_str());
  ASSERT_FALSE(d.HasParseError()) << out;
  EXPECT_STREQ(d["event"].GetString(), "media");
  EXPECT_STREQ(d["streamSid"].GetString(), "MZ1");
  EXPECT_EQ(*voxgate::codecs::base64::decode(d["media"]["payload"].GetString()), std::string("\xFF\x7F\x00", 3));
  d.Parse(codec.build_mark("MZ1", "g1.2.300").c_str());
  EXPECT_STREQ(d["event"].GetString(), "mark");
  EXPECT_STREQ(d["mark"]["name"].GetString(), "g1.2.300");
  d.Parse(codec.build_clear("MZ\"1").c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["event"].GetString(), "clear");
  EXPECT_STREQ(d["streamSid"].GetString(), "MZ\"1");
}
