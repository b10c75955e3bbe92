// `voxgate probe`, `call` and `load` as Vonage, through its caller (tools/sim/callers/vonage.cpp),
// against a gateway with an echo AI: the probe passes every step (its stop is the caller leg's
// `completed`), a call at 16 kHz hears itself back through the resamplers, a load at 8 kHz gets every
// frame back unchanged, and a wrong signature secret is refused at the webhook.
#include "gateway_fixture.hpp"
#include "tools/load/load_calls.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/probe/probe.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* local_public_url = "http://gw.example.test";
constexpr const char* secret = "test-vonage-signature-secret";

class VonageToolsTest : public GatewayTest {
 protected:
  bool echo_ai() const override { return true; }
  void customize(app::config& c) override {
    c.public_url = local_public_url;
    c.provider_settings["VONAGE_SIGNATURE_SECRET"] = secret;
    c.provider_settings["VONAGE_AUDIO_RATE"] = rate();
  }
  virtual std::string rate() const { return "16000"; }

  tools::probe_report probe(std::string credential) {
    tools::probe_options o;
    o.public_url = local_public_url;
    o.provider = "vonage";
    o.credential = std::move(credential);
    o.connect_to = "127.0.0.1:" + std::to_string(gateway->port());
    o.insecure_local = true;
    o.seconds = 1;
    return tools::run_probe(o);
  }
};

// Narrowband: PCM16 at 8 kHz needs no resampling, so the gateway's μ-law round trip gives every byte back.
class VonageNarrowbandToolsTest : public VonageToolsTest {
 protected:
  std::string rate() const override { return "8000"; }
};

}  // namespace

TEST_F(VonageToolsTest, AProbeAsVonagePassesEveryStep) {
  auto report = probe(secret);
  EXPECT_TRUE(report.ok()) << tools::render(report);
  for (const char* step : {"webhook", "answer", "stream-url", "upgrade", "media", "audio-back", "stop"})
    EXPECT_NE(report.find(step), nullptr) << step << "\n" << tools::render(report);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(VonageToolsTest, ACallAsVonageHearsItselfBack) {
  tools::call_options o;
  o.gateway_url = gateway_url();
  o.public_url = local_public_url;
  o.provider = "vonage";
  o.credential = secret;
  o.seconds = 1;
  o.wait_greeting = false;
  auto r = tools::run_simulated_call(o);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.frames_sent, 50u);
  EXPECT_GT(r.frames_received, 0u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(VonageNarrowbandToolsTest, LoadPlacesVonageCallsAndGetsEveryFrameBack) {
  tools::load_options o;
  o.gateway_url = gateway_url();
  o.public_url = local_public_url;
  o.provider = "vonage";
  o.credential = secret;
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
  EXPECT_GT(r.marks_answered, 0u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(VonageToolsTest, AWrongSignatureSecretIsCaughtAtTheWebhook) {
  auto report = probe("not-the-signature-secret");
  ASSERT_NE(report.find("webhook"), nullptr) << tools::render(report);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->detail.find("HTTP 401"), std::string::npos) << tools::render(report);
  EXPECT_NE(report.find("webhook")->hint.find("VONAGE_SIGNATURE_SECRET"), std::string::npos) << tools::render(report);
  EXPECT_EQ(report.find("upgrade"), nullptr);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}
