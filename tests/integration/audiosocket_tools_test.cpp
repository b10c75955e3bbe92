// `voxgate probe`, `call` and `load` as Asterisk AudioSocket, through tools/sim/callers/audiosocket.cpp:
// the dialplan's CURL with the bearer secret, then media over plain TCP to the gateway's
// AUDIOSOCKET_PORT (the tools' --media-port) in TLV frames, the gateway's audio paced at real time.
// A probe passes every step, a call hears itself back, a short load gets every frame back unchanged,
// and a wrong secret is caught at the webhook.
#include "gateway_fixture.hpp"
#include "tools/load/load_calls.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/probe/probe.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* local_public_url = "http://gw.example.test";
constexpr const char* secret = "as-tools-secret";

class AudioSocketToolsTest : public GatewayTest {
 protected:
  bool echo_ai() const override { return true; }
  void customize(app::config& c) override {
    c.public_url = local_public_url;
    c.provider_settings["AUDIOSOCKET_PORT"] = "0";
    c.provider_settings["AUDIOSOCKET_SECRET"] = secret;
  }
  std::uint16_t media_port() { return gateway->tcp_media_port("audiosocket"); }

  tools::probe_report probe(std::string credential = secret) {
    tools::probe_options o;
    o.public_url = local_public_url;
    o.provider = "audiosocket";
    o.credential = std::move(credential);
    o.connect_to = "127.0.0.1:" + std::to_string(gateway->port());
    o.media_port = media_port();
    o.insecure_local = true;
    o.seconds = 1;
    return tools::run_probe(o);
  }
};

}  // namespace

TEST_F(AudioSocketToolsTest, AProbeAsAudioSocketPassesEveryStep) {
  auto report = probe();
  EXPECT_TRUE(report.ok()) << tools::render(report);
  for (const char* step : {"webhook", "answer", "media-tcp", "media", "audio-back", "stop"})
    EXPECT_NE(report.find(step), nullptr) << step << "\n" << tools::render(report);
  EXPECT_EQ(report.find("upgrade"), nullptr) << "no WebSocket upgrade on plain TCP";
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(AudioSocketToolsTest, ACallAsAudioSocketHearsItselfBack) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.public_url = local_public_url;
  o.provider = "audiosocket";
  o.credential = secret;
  o.media_port = media_port();
  o.seconds = 1;
  o.wait_greeting = false;
  auto r = tools::run_simulated_call(o);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.frames_sent, 50u);
  EXPECT_GT(r.frames_received, 0u);
  EXPECT_EQ(r.marks_answered, 0u);  // AudioSocket has none: the gateway paces
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

// Every frame comes back unchanged (slin's mu-law round trip is exact), the gateway's filler silence aside.
TEST_F(AudioSocketToolsTest, LoadPlacesAudioSocketCallsAndGetsEveryFrameBack) {
  tools::load_options o;
  o.gateway_url = gateway_url();
  o.public_url = local_public_url;
  o.provider = "audiosocket";
  o.credential = secret;
  o.media_port = media_port();
  o.calls = 3;
  o.duration_s = 2;
  o.ramp_per_s = 100;
  auto r = tools::run_load(o, {});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures.begin()->first);
  EXPECT_EQ(r.connected, 3);
  EXPECT_EQ(r.completed, 3);
  EXPECT_EQ(r.frames_sent, 3u * 100u);
  EXPECT_EQ(r.frames_back, r.frames_sent);
  EXPECT_EQ(r.frames_lost, 0u);
  EXPECT_EQ(r.bytes_differing, 0u);
  EXPECT_EQ(r.bytes_beyond_sent, 0u);
  EXPECT_EQ(r.marks_answered, 0u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

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
