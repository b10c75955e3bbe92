// `voxgate probe`, `call` and `load` as Vonage, through its caller (tools/sim/callers/vonage.cpp),
// against a gateway with an echo AI: the probe passes every step (its stop is the caller leg's
// `completed`), a call at 16 kHz hears itself back through the resamplers, a load at 8 kHz gets every
// frame back unchanged, and a wrong signature secret is refused at the webhook.
#include "provider_tools_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* secret = "test-vonage-signature-secret";

class VonageToolsTest : public ProviderToolsTest {
 protected:
  void provider_settings(app::config& c) override {
    c.provider_settings["VONAGE_SIGNATURE_SECRET"] = secret;
    c.provider_settings["VONAGE_AUDIO_RATE"] = rate();
  }
  std::string provider() const override { return "vonage"; }
  std::string credential() const override { return secret; }
  virtual std::string rate() const { return "16000"; }
};

// Narrowband: PCM16 at 8 kHz needs no resampling, so the gateway's μ-law round trip gives every byte back.
class VonageNarrowbandToolsTest : public VonageToolsTest {
 protected:
  std::string rate() const override { return "8000"; }
};

}  // namespace

TEST_F(VonageToolsTest, AProbeAsVonagePassesEveryStep) { expect_probe_passes(); }
TEST_F(VonageToolsTest, ACallAsVonageHearsItselfBack) { expect_call_heard(); }
TEST_F(VonageNarrowbandToolsTest, LoadPlacesVonageCallsAndGetsEveryFrameBack) { expect_load_completes(); }

TEST_F(VonageToolsTest, AWrongSignatureSecretIsCaughtAtTheWebhook) {
  auto report = probe("not-the-signature-secret");
  ASSERT_NE(report.find("webhook"), nullptr) << tools::render(report);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->detail.find("HTTP 401"), std::string::npos) << tools::render(report);
  EXPECT_NE(report.find("webhook")->hint.find("VONAGE_SIGNATURE_SECRET"), std::string::npos) << tools::render(report);
  EXPECT_EQ(report.find("upgrade"), nullptr);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}
