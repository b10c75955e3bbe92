// `voxgate call` against a local gateway with the built-in agent: greeting, barge-in, playback.
#include "app/call_command.hpp"
#include "codecs/pcm16.hpp"
#include "gateway_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class CallCommandTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();  // the simulated call reaches the gateway directly, like `make run`
    c.twilio_auth_token.clear();
  }
};

bool has(const app::call_result& r, const std::string& what) {
  for (const auto& e : r.timeline)
    if (e.what.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_F(CallCommandTest, ANewcomerHearsTheLocalAgent) {
  app::call_options o;
  o.gateway_url = gateway_url();
  o.seconds = 4;
  auto r = app::run_simulated_call(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(has(r, "webhook answered"));
  EXPECT_TRUE(has(r, "first audio back"));
  EXPECT_TRUE(has(r, "clear"));  // the test signal talks over the greeting
  EXPECT_TRUE(has(r, "media socket closed by the gateway"));
  EXPECT_EQ(r.frames_sent, 200u);
  EXPECT_GT(r.frames_received, 0u);
  EXPECT_GT(r.marks_answered, 0u);
  // What was heard: the start of the greeting, then the caller's own words played back.
  EXPECT_GT(codecs::pcm16::rms(r.heard), 100.0);
  EXPECT_GT(r.heard.size(), 8000u);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST(CallCommand, AnUnreachableGatewayIsAClearError) {
  app::call_options o;
  o.gateway_url = "http://127.0.0.1:1";
  o.seconds = 1;
  auto r = app::run_simulated_call(o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("webhook"), std::string::npos) << r.error;
}
