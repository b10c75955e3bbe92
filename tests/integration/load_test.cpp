// `voxgate load` against the real gateway in-process, with the fake OpenAI echoing audio back.
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "gateway_fixture.hpp"
#include "tests/fakes/shell.hpp"
#include "tools/load/load_command.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

class LoadTest : public GatewayTest {
 protected:
  bool echo_ai() const override { return true; }

  tools::load_options options(int calls, double seconds) const {
    tools::load_options o;
    o.gateway_url = gateway_url();
    o.public_url = public_url;
    o.credential = auth_token;
    o.calls = calls;
    o.duration_s = seconds;
    o.ramp_per_s = 200;
    return o;
  }
};

class FullLoadTest : public LoadTest {
  void customize(app::config& c) override { c.max_calls = 2; }
};

// The gateway as `make run` starts it: the local agent greets, and plays the caller back after a pause.
class LocalAgentLoadTest : public GatewayTest {
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.public_url.clear();
    c.provider_settings.erase("TWILIO_AUTH_TOKEN");
  }
};

// Telnyx calls: signed call.initiated webhooks, the gateway's answers at the load tool's Call Control API.
class TelnyxLoadTest : public LoadTest {
 protected:
  void customize(app::config& c) override {
    c.provider_settings["TELNYX_API_BASE"] = "http://127.0.0.1:" + std::to_string(api_port) + "/v2";
    c.provider_settings["TELNYX_API_KEY"] = "test-telnyx-key";
    c.provider_settings["TELNYX_PUBLIC_KEY"] = key.public_key_b64();
  }
  tools::load_options telnyx_options(int calls, double seconds) const {
    auto o = options(calls, seconds);
    o.provider = "telnyx";
    o.credential = key.private_key_pem();
    o.api_port = api_port;
    return o;
  }
  sim::telnyx::signing_key key;
  std::uint16_t api_port = fakes::free_port();
};

// `voxgate load <line...>`: its exit status, stdout and stderr.
fakes::subcommand_result run_load_command(std::vector<std::string> line) {
  line.insert(line.begin(), "load");
  return fakes::run_subcommand(tools::load_command, std::move(line));
}

}  // namespace

TEST_F(LoadTest, EveryEchoedFrameComesBackAtItsPositionAndIsTimed) {
  auto o = options(20, 2);
  o.pid = static_cast<int>(getpid());  // the gateway runs in this process
  int progress_calls = 0;
  auto r = tools::run_load(o, [&](const tools::load_progress&) { ++progress_calls; });
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
  std::uint64_t timed_by_second = 0;  // the same frames again, second by second of the run
  for (const auto& second : r.by_second) timed_by_second += second.count();
  EXPECT_EQ(timed_by_second, r.latency.count());
  EXPECT_GE(r.by_second.size(), 2u);
  EXPECT_GE(progress_calls, 2);
  ASSERT_TRUE(r.gateway_steady_start && r.gateway_steady_end);
  EXPECT_GE(r.gateway_steady_end->cpu_s, r.gateway_steady_start->cpu_s);
  EXPECT_GT(r.gateway_baseline->rss_kib, 0u);
  auto json = tools::load_summary_json(o, r);
  EXPECT_NE(json.find(R"("ok": true)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("gateway_cpu_s_per_call_minute")"), std::string::npos);
  EXPECT_NE(json.find(R"("steady_latency_p99_ms")"), std::string::npos);
  ASSERT_NE(json.find(R"("latency_p99_ms_by_second": [)"), std::string::npos) << json;
  auto by_second = json.substr(json.find(R"("latency_p99_ms_by_second": [)"));
  by_second = by_second.substr(0, by_second.find(']'));
  EXPECT_EQ(static_cast<std::size_t>(std::count(by_second.begin(), by_second.end(), ',')) + 1, r.by_second.size())
      << "a value for every second of the run: " << by_second;
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);
}

TEST_F(LoadTest, UnsignedCallsAreCountedAsFailedWithTheGatewaysAnswer) {
  auto o = options(3, 1);
  o.credential = "not-the-gateways-token";
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.connected, 0);
  EXPECT_EQ(r.failed, 3);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures.begin()->first.rfind("webhook answered 403", 0), 0u) << r.failures.begin()->first;
  EXPECT_NE(tools::load_summary_json(o, r).find(R"("ok": false)"), std::string::npos);
}

TEST_F(FullLoadTest, CallsBeyondCapacityAreReportedAsRefused) {
  auto r = tools::run_load(options(4, 1), {});
  EXPECT_EQ(r.completed, 2);
  EXPECT_EQ(r.failed, 2);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures.begin()->first.find("without <Stream>"), std::string::npos);
}

TEST_F(LoadTest, NothingListeningIsOneClearErrorNotASummary) {
  auto o = options(2, 1);
  o.gateway_url = "http://127.0.0.1:1";
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.error,
            "cannot connect to 127.0.0.1:1 (Connection refused): is the gateway running, and is this its "
            "address and port?");
  EXPECT_EQ(r.placed, 0);
  auto run = run_load_command({"http://127.0.0.1:1", "--calls", "2", "--duration", "1"});
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("voxgate load: cannot connect to 127.0.0.1:1 (Connection refused)"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.out.find("p50"), std::string::npos) << run.out;
}

TEST_F(LoadTest, NoCallConnectingPrintsNoLatencyOfNothing) {
  auto run = run_load_command({gateway_url(), "--calls", "2", "--duration", "1", "--public-url", public_url,
                               "--auth-token", "not-the-gateways-token"});
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("calls: 2 placed, 0 connected"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no call connected: nothing was measured"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("p50"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("FAILED: 2 calls failed"), std::string::npos) << run.err;
}

TEST(LoadVerdict, AnyLostOrAlteredFrameFailsTheRun) {
  tools::load_report r;
  r.calls = r.placed = r.connected = r.completed = 2;
  r.frames_sent = r.frames_back = 100;
  EXPECT_TRUE(tools::load_passed(r));
  EXPECT_EQ(tools::load_hint(r), "");
  r.frames_back = 99;
  r.frames_lost = 1;
  EXPECT_FALSE(tools::load_passed(r));
  EXPECT_EQ(tools::load_hint(r), "");  // one frame is not a gateway without an echo
  tools::load_options o;
  EXPECT_NE(tools::load_summary_json(o, r).find(R"("ok": false)"), std::string::npos);
  r.frames_lost = 0;
  r.frames_back = 100;
  r.bytes_differing = 10;
  EXPECT_FALSE(tools::load_passed(r));
  r.bytes_differing = 0;
  r.bytes_beyond_sent = 160;  // an echo never returns more than it was sent
  EXPECT_FALSE(tools::load_passed(r));
  r.bytes_beyond_sent = 200 * 160;  // twice as much again: a greeting running ahead of the caller's audio
  EXPECT_NE(tools::load_hint(r).find("was not the caller's"), std::string::npos) << tools::load_hint(r);
  r.bytes_beyond_sent = 0;
  r.frames_lost = 60;  // most of them
  r.frames_back = 40;
  EXPECT_NE(tools::load_hint(r).find("echoes the caller's audio back"), std::string::npos) << tools::load_hint(r);
}

TEST_F(LocalAgentLoadTest, AGatewayWhoseAiDoesNotEchoFailsTheRunAndSaysWhatLoadNeeds) {
  auto run = run_load_command({gateway_url(), "--calls", "1", "--duration", "1", "--drain", "0.5"});
  EXPECT_EQ(run.status, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("frames: 50 sent"), std::string::npos) << run.out;  // the summary, still
  EXPECT_NE(run.err.find("FAILED:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("echoes the caller's audio back"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("bench/echo_ai"), std::string::npos) << run.err;
}

TEST(LoadCalls, ItsWebhooksSayTheCallIsSimulatedByLoad) {
  fakes::http_peer provider_side;  // not a gateway: every call stops at its webhook
  provider_side.on("POST", "/", [](const net::http_request&) { return net::http_response::text(404, "no"); });
  ASSERT_EQ(provider_side.start(), "");
  tools::load_options o;
  o.gateway_url = provider_side.base_url();
  o.calls = 2;
  o.duration_s = 1;
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.failed, 2);
  auto requests = provider_side.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& req : requests) {
    EXPECT_EQ(req.path(), "/twilio/voice");
    EXPECT_EQ(net::header_or(req.headers, "X-VoxGate-Simulated"), "load");
  }
}

TEST_F(TelnyxLoadTest, TelnyxCallsAreAnsweredThroughTheApiAndEchoedWhole) {
  auto o = telnyx_options(10, 2);
  o.pid = static_cast<int>(getpid());
  auto r = tools::run_load(o, {});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures.begin()->first);
  EXPECT_EQ(r.connected, 10);
  EXPECT_EQ(r.completed, 10);
  EXPECT_EQ(r.frames_sent, 10u * 100u);
  EXPECT_EQ(r.frames_lost, 0u);
  EXPECT_EQ(r.bytes_differing, 0u);
  EXPECT_GT(r.marks_answered, 0u);
  EXPECT_TRUE(eventually(
      [&] { return metric(R"(voxgate_simulated_calls_total{provider="telnyx",outcome="completed"})") == 10; }));
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
}

TEST_F(TelnyxLoadTest, UnsignedTelnyxWebhooksFailWithTheGatewaysAnswer) {
  auto o = telnyx_options(2, 1);
  o.credential = sim::telnyx::signing_key().private_key_pem();  // not the gateway's key
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.connected, 0);
  EXPECT_EQ(r.failed, 2);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures.begin()->first.rfind("webhook answered 403", 0), 0u) << r.failures.begin()->first;
}

TEST_F(TelnyxLoadTest, AnAnswerThatNeverComesIsNamedWithTheSettingToCheck) {
  auto o = telnyx_options(1, 1);
  o.api_port = fakes::free_port();  // the gateway answers elsewhere
  o.setup_s = 1;
  auto r = tools::run_load(o, {});
  EXPECT_EQ(r.failed, 1);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures.begin()->first.find("TELNYX_API_BASE"), std::string::npos) << r.failures.begin()->first;
}

TEST_F(TelnyxLoadTest, TheCommandLinePlacesTelnyxCallsWithAKeyFile) {
  auto pem = ::testing::TempDir() + "load_telnyx_key.pem";
  {
    std::ofstream out(pem);
    out << key.private_key_pem();
  }
  auto run = run_load_command({gateway_url(), "--calls", "2", "--duration", "1", "--provider", "telnyx",
                               "--telnyx-private-key", pem, "--api-port", std::to_string(api_port), "--json"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find(R"("connected": 2)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(R"("frames_lost": 0)"), std::string::npos) << run.out;
  auto missing = run_load_command({gateway_url(), "--provider", "telnyx", "--telnyx-private-key", pem + ".absent"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("cannot read --telnyx-private-key"), std::string::npos) << missing.err;
}
