// `voxgate probe`, `call` and `load` as Asterisk AudioSocket, through tools/sim/callers/audiosocket.cpp:
// the dialplan's CURL with the bearer secret, then media over plain TCP to the gateway's
// AUDIOSOCKET_PORT (the tools' --media-port) in TLV frames, the gateway's audio paced at real time.
// A probe passes every step, a call hears itself back, a short load gets every frame back unchanged,
// and a wrong secret is caught at the webhook.
#include "provider_tools_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* secret = "as-tools-secret";

class AudioSocketToolsTest : public ProviderToolsTest {
 protected:
  void provider_settings(app::config& c) override {
    c.provider_settings["AUDIOSOCKET_PORT"] = "0";
    c.provider_settings["AUDIOSOCKET_SECRET"] = secret;
  }
  std::string provider() const override { return "audiosocket"; }
  std::string credential() const override { return secret; }
  std::uint16_t media_port() override { return gateway->tcp_media_port("audiosocket"); }
  bool has_marks() const override { return false; }  // the gateway paces
  std::vector<const char*> probe_steps() const override {
    return {"webhook", "answer", "media-tcp", "media", "audio-back", "stop"};
  }
};

}  // namespace

TEST_F(AudioSocketToolsTest, AProbeAsAudioSocketPassesEveryStep) {
  auto report = expect_probe_passes();
  EXPECT_EQ(report.find("upgrade"), nullptr) << "no WebSocket upgrade on plain TCP";
}

TEST_F(AudioSocketToolsTest, ACallAsAudioSocketHearsItselfBack) { expect_call_heard(); }

// Every frame comes back unchanged (slin's mu-law round trip is exact), the gateway's filler silence aside.
TEST_F(AudioSocketToolsTest, LoadPlacesAudioSocketCallsAndGetsEveryFrameBack) { expect_load_completes(); }

TEST_F(AudioSocketToolsTest, AWrongSecretIsNamedAtTheWebhook) {
  auto report = probe("not-the-secret");
  ASSERT_NE(report.find("webhook"), nullptr) << tools::render(report);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->detail.find("403"), std::string::npos) << tools::render(report);
  EXPECT_NE(report.find("webhook")->hint.find("AUDIOSOCKET_SECRET"), std::string::npos) << tools::render(report);
  EXPECT_EQ(report.find("media-tcp"), nullptr);
}

TEST_F(AudioSocketToolsTest, ACallWithoutTheMediaPortSaysWhichSettingToGive) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.provider = "audiosocket";
  o.credential = secret;
  o.seconds = 1;
  auto r = tools::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("AUDIOSOCKET_PORT"), std::string::npos) << r.error;
}
