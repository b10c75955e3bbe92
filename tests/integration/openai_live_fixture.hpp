// The gateway with OpenAI's GPT-Live backend against the fake GPT-Live server (tools/sim/openai_live),
// for the GPT-Live gateway tests.
#pragma once

#include "gateway_fixture.hpp"
#include "tests/fakes/fake_telnyx.hpp"
#include "tools/sim/openai_live.hpp"
#include "tools/sim/telnyx_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::testing {

using namespace std::chrono_literals;

constexpr const char* sid = "CA00000000000000000000000000000011";
constexpr const char* ccid = "v3:live-call-control-id";
constexpr const char* session = "live-call-session-id";

inline std::string decoded_field(const std::string& json, const char* field) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return *codecs::base64::decode(d[field].GetString());
}

inline bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class LiveGatewayTest : public GatewayTest {
 protected:
  std::unique_ptr<sim::openai_live_server> live;

  virtual std::string delegation() const { return "client"; }
  void customize(app::config& c) override {
    c.ai_backend = "openai-live";
    c.ai_settings.erase("OPENAI_REALTIME_URL");
    c.ai_settings["OPENAI_LIVE_URL"] = live->url();
    c.ai_settings["OPENAI_LIVE_DELEGATION"] = delegation();
  }
  void SetUp() override {
    live = std::make_unique<sim::openai_live_server>(openai_key);
    ASSERT_EQ(live->start(), "");
    GatewayTest::SetUp();
  }
  void TearDown() override {
    GatewayTest::TearDown();
    live.reset();
  }

  // session.start as the gateway sent it, parsed.
  rapidjson::Document session_start() {
    rapidjson::Document d;
    auto start = live->events()->wait_for_field("type", "session.start", 5s);
    EXPECT_TRUE(start);
    if (start) d.Parse(start->c_str());
    return d;
  }
};

class LiveResponsesTest : public LiveGatewayTest {
 protected:
  std::string delegation() const override { return "responses"; }
};

class LiveTelnyxTest : public LiveGatewayTest {
 protected:
  fakes::fake_telnyx telnyx;
  void customize(app::config& c) override {
    LiveGatewayTest::customize(c);
    ASSERT_EQ(telnyx.start_rest(), "");
    c.provider_settings["TELNYX_PUBLIC_KEY"] = telnyx.public_key();
    c.provider_settings["TELNYX_API_KEY"] = "test-telnyx-key";
    c.provider_settings["TELNYX_API_BASE"] = telnyx.rest_base();
  }
  void SetUp() override {
    LiveGatewayTest::SetUp();
    telnyx.set_gateway(gateway_url());
  }
};

}  // namespace voxgate::testing
