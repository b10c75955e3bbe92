// `voxgate load` against the real gateway in-process, with the fake OpenAI echoing audio back.
#include <unistd.h>

#include "app/load_command.hpp"
#include "gateway_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class LoadTest : public GatewayTest {
 protected:
  bool echo_ai() const override { return true; }

  app::load_options options(int calls, double seconds) const {
    app::load_options o;
    o.gateway_url = gateway_url();
    o.public_url = public_url;
    o.auth_token = auth_token;
    o.calls = calls;
    o.duration_s = seconds;
    o.ramp_per_s = 200;
    return o;
  }
};

class FullLoadTest : public LoadTest {
  void customize(app::config& c) override { c.max_calls = 2; }
};

}  // namespace

TEST_F(LoadTest, EveryEchoedFrameComesBackAtItsPositionAndIsTimed) {
  auto o = options(20, 2);
  o.pid = static_cast<int>(getpid());  // the gateway runs in this process
  int progress_calls = 0;
  auto r = app::run_load(o, [&](const app::load_progress&) { ++progress_calls; });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.connected, 20);
  EXPECT_EQ(r.completed, 20);
  EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures.begin()->first);
  EXPECT_EQ(r.peak_active, 20);
  EXPECT_EQ(r.frames_sent, 20u * 100u);
  EXPECT_EQ(r.frames_lost, 0u);
  EXPECT_EQ(r.latency.count(), r.frames_sent);  // every position timed once
  EXPECT_EQ(r.bytes_differing, 0u);             // pcmu end to end: the very bytes sent
  EXPECT_EQ(r.bytes_beyond_sent, 0u);
  EXPECT_GT(r.marks_answered, 0u);
  EXPECT_GT(r.steady_s, 0.5);
  EXPECT_GT(r.steady_latency.count(), 0u);
  EXPECT_GE(progress_calls, 2);
  ASSERT_TRUE(r.gateway_steady_start && r.gateway_steady_end);
  EXPECT_GE(r.gateway_steady_end->cpu_s, r.gateway_steady_start->cpu_s);
  EXPECT_GT(r.gateway_baseline->rss_kib, 0u);
  auto json = app::load_summary_json(o, r);
  EXPECT_NE(json.find(R"("ok": true)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("gateway_cpu_s_per_call_minute")"), std::string::npos);
  EXPECT_NE(json.find(R"("steady_latency_p99_ms")"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
}

TEST_F(LoadTest, UnsignedCallsAreCountedAsFailedWithTheGatewaysAnswer) {
  auto o = options(3, 1);
  o.auth_token = "not-the-gateways-token";
  auto r = app::run_load(o, {});
  EXPECT_EQ(r.connected, 0);
  EXPECT_EQ(r.failed, 3);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures.begin()->first.rfind("webhook answered 403", 0), 0u) << r.failures.begin()->first;
  EXPECT_NE(app::load_summary_json(o, r).find(R"("ok": false)"), std::string::npos);
}

TEST_F(FullLoadTest, CallsBeyondCapacityAreReportedAsRefused) {
  auto r = app::run_load(options(4, 1), {});
  EXPECT_EQ(r.completed, 2);
  EXPECT_EQ(r.failed, 2);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures.begin()->first.find("without <Stream>"), std::string::npos);
}

TEST_F(LoadTest, NothingListeningFailsEachCallWithTheConnectError) {
  auto o = options(2, 1);
  o.gateway_url = "http://127.0.0.1:1";
  auto r = app::run_load(o, {});
  EXPECT_EQ(r.failed, 2);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures.begin()->first.rfind("webhook: connect:", 0), 0u);
}
