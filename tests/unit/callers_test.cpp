// The providers' callers (tools/sim/callers): every one is found by its name, announces a call on
// its provider's webhook path as the tool that placed it, and reads the gateway's media, mark and
// clear in its provider's words.
#include <gtest/gtest.h>

#include "codecs/base64.hpp"
#include "net/headers.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::sim {
namespace {

caller_settings settings() {
  caller_settings s;
  s.public_url = "https://gw.example.test";
  s.tool = "load";
  return s;
}

TEST(Callers, EveryProviderWithACallerIsFoundByItsName) {
  auto names = caller_providers();
  EXPECT_EQ(names, (std::vector<std::string>{"twilio", "telnyx", "signalwire", "plivo", "exotel", "vonage", "audiosocket"}));
  for (const auto& name : names) {
    auto c = make_caller(name, settings());
    ASSERT_TRUE(c) << name;
    EXPECT_EQ(c->provider(), name);
    EXPECT_FALSE(c->call_id().empty()) << name;
  }
  EXPECT_EQ(make_caller("nosuch", settings()), nullptr);
}

TEST(Callers, TheWebhookGoesToTheProvidersPathAndSaysWhichToolPlacedIt) {
  for (const auto& name : caller_providers()) {
    auto hook = make_caller(name, settings())->webhook();
    EXPECT_EQ(hook.target.rfind("/" + name + "/", 0), 0u) << name << " " << hook.target;
    EXPECT_EQ(net::header_or(hook.headers, std::string(simulated_header)), "load") << name;
  }
}

TEST(Callers, MediaMarkAndClearAreReadInEachProvidersWords) {
  std::string audio = codecs::base64::encode(std::string(160, '\x55'));
  std::string plivo_media = R"({"event":"playAudio","media":{"payload":")" + audio + R"("}})";
  std::string twilio_media = R"({"event":"media","streamSid":"S","media":{"payload":")" + audio + R"("}})";
  for (const auto& name : caller_providers()) {
    if (name == "vonage" || name == "audiosocket") continue;  // binary audio: vonage_caller_test.cpp, audiosocket_caller_test.cpp
    auto c = make_caller(name, settings());
    bool plivo = name == "plivo";
    std::string media = plivo ? plivo_media : twilio_media;
    auto m = c->read(media, false);
    EXPECT_EQ(m.what, gateway_message::kind::media) << name;
    std::vector<std::uint8_t> out(m.payload.size());
    EXPECT_TRUE(c->decode_audio(m.payload, out.data())) << name;
    std::string mark = plivo ? R"({"event":"checkpoint","streamId":"S","name":"m1"})"
                             : R"({"event":"mark","streamSid":"S","mark":{"name":"m1"}})";
    auto k = c->read(mark, false);
    EXPECT_EQ(k.what, gateway_message::kind::mark) << name;
    EXPECT_EQ(k.name, "m1") << name;
    std::string clear = plivo ? R"({"event":"clearAudio","streamId":"S"})" : R"({"event":"clear","streamSid":"S"})";
    EXPECT_EQ(c->read(clear, false).what, gateway_message::kind::clear) << name;
    std::string junk = "not json";
    EXPECT_EQ(c->read(junk, false).what, gateway_message::kind::invalid) << name;
  }
}

TEST(Callers, ACallersMediaCarriesTheCallersAudio) {
  std::vector<std::uint8_t> mulaw(160, 0x55);
  for (const auto& name : caller_providers()) {
    if (name == "vonage" || name == "audiosocket") continue;  // binary frames: vonage_caller_test.cpp, audiosocket_caller_test.cpp
    auto c = make_caller(name, settings());
    std::string frame;
    EXPECT_FALSE(c->append_media(frame, mulaw)) << name;  // all five stream text frames
    EXPECT_NE(frame.find("\"media\""), std::string::npos) << name << " " << frame;
  }
}

TEST(Callers, AKeyThatIsNotOneIsSaidBeforeAnyCall) {
  auto s = settings();
  s.credential = "not a PEM";
  EXPECT_NE(make_caller("telnyx", s)->credential_problem(), "");
  EXPECT_EQ(make_caller("twilio", s)->credential_problem(), "");
}

}  // namespace
}  // namespace voxgate::sim
