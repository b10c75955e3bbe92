// `voxgate probe`, `call` and `load` for the providers beyond Twilio and Telnyx, through the callers
// in tools/sim/callers: each provider's gateway settings, then a probe that must pass every step, a
// call that hears itself back, and a short load whose calls must all connect, stream and complete,
// with marks answered after playback.
#include "provider_tools_fixture.hpp"
#include "tools/sim/plivo.hpp"
#include "tools/sim/signalwire.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class SignalWireToolsTest : public ProviderToolsTest {
 protected:
  static constexpr const char* signing_key = "PSKtest-signing-key";
  sim::signalwire_sim signalwire{{local_public_url, signing_key, "b3877c40-da60-4998-90ad-b792e98472af", "PTtoken"}};

  void provider_settings(app::config& c) override {
    ASSERT_EQ(signalwire.start(), "");  // its REST API, for the gateway's hang-ups
    c.provider_settings["SIGNALWIRE_SIGNING_KEY"] = signing_key;
    c.provider_settings["SIGNALWIRE_SPACE_URL"] = signalwire.space_url();
    c.provider_settings["SIGNALWIRE_PROJECT_ID"] = "b3877c40-da60-4998-90ad-b792e98472af";
    c.provider_settings["SIGNALWIRE_API_TOKEN"] = "PTtoken";
  }
  std::string provider() const override { return "signalwire"; }
  std::string credential() const override { return signing_key; }
};

class PlivoToolsTest : public ProviderToolsTest {
 protected:
  static constexpr const char* token = "test-plivo-auth-token";
  std::unique_ptr<sim::plivo_call> rest;  // Plivo's REST API, for the gateway's hang-ups

  void provider_settings(app::config& c) override {
    rest = std::make_unique<sim::plivo_call>(
        sim::plivo_call::options{"", local_public_url, token, "MAVOXGATESIM00000000"});
    ASSERT_EQ(rest->start_rest(), "");
    c.provider_settings["PLIVO_AUTH_TOKEN"] = token;
    c.provider_settings["PLIVO_AUTH_ID"] = "MAVOXGATESIM00000000";
    c.provider_settings["PLIVO_API_BASE"] = rest->rest_base();
  }
  void TearDown() override {
    GatewayTest::TearDown();
    rest.reset();
  }
  std::string provider() const override { return "plivo"; }
  std::string credential() const override { return token; }
};

class ExotelToolsTest : public ProviderToolsTest {
 protected:
  static constexpr const char* user_password = "voxgate:s3cret-pass";
  void provider_settings(app::config& c) override { c.provider_settings["EXOTEL_STREAM_AUTH"] = user_password; }
  std::string provider() const override { return "exotel"; }
  std::string credential() const override { return user_password; }
};

}  // namespace

TEST_F(SignalWireToolsTest, AProbeAsSignalWirePassesEveryStep) { expect_probe_passes(); }
TEST_F(SignalWireToolsTest, LoadPlacesSignalWireCallsAndGetsEveryFrameBack) { expect_load_completes(); }
TEST_F(SignalWireToolsTest, ACallAsSignalWireHearsItselfBack) { expect_call_heard(); }
TEST_F(SignalWireToolsTest, AWrongSigningKeyIsNamedAtTheWebhook) {
  tools::probe_options o;
  o.public_url = local_public_url;
  o.provider = "signalwire";
  o.credential = "not-the-signing-key";
  o.connect_to = "127.0.0.1:" + std::to_string(gateway->port());
  o.insecure_local = true;
  auto report = tools::run_probe(o);
  ASSERT_NE(report.find("webhook"), nullptr);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->hint.find("SIGNALWIRE_SIGNING_KEY"), std::string::npos) << tools::render(report);
}

TEST_F(PlivoToolsTest, AProbeAsPlivoPassesEveryStep) { expect_probe_passes(); }
TEST_F(PlivoToolsTest, LoadPlacesPlivoCallsAndGetsEveryFrameBack) { expect_load_completes(); }
TEST_F(PlivoToolsTest, ACallAsPlivoHearsItselfBack) { expect_call_heard(); }

TEST_F(ExotelToolsTest, AProbeAsExotelPassesEveryStep) { expect_probe_passes(); }
TEST_F(ExotelToolsTest, LoadPlacesExotelCallsAndGetsEveryFrameBack) { expect_load_completes(); }
TEST_F(ExotelToolsTest, ACallAsExotelHearsItselfBack) { expect_call_heard(); }
TEST_F(ExotelToolsTest, WrongCredentialsAreRefusedAtTheWebhook) {
  auto o = tools::load_options{};
  o.gateway_url = gateway_url();
  o.provider = "exotel";
  o.credential = "voxgate:wrong";
  o.calls = 1;
  o.duration_s = 1;
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.failed, 1);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures.begin()->first.rfind("webhook answered 4", 0), 0u) << r.failures.begin()->first;
}
