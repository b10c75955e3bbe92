// A gateway with an echo AI for `voxgate probe`, `call` and `load` as one provider, through its caller
// in tools/sim/callers: the provider's settings, then a probe that must pass every step, a call that
// hears itself back, and a short load whose calls all connect, stream and complete. Shared by the
// providers' tools tests.
#pragma once

#include <vector>

#include "gateway_fixture.hpp"
#include "tools/load/load_calls.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/probe/probe.hpp"

namespace voxgate::testing {

inline constexpr const char* local_public_url = "http://gw.example.test";

// A gateway with an echo AI whose PUBLIC_URL is plain http (the probe's --insecure-local), for one
// provider whose credential the tools sign with.
class ProviderToolsTest : public GatewayTest {
 protected:
  bool echo_ai() const override { return true; }
  void customize(app::config& c) override {
    c.public_url = local_public_url;
    provider_settings(c);
  }
  virtual void provider_settings(app::config& c) = 0;
  virtual std::string provider() const = 0;
  virtual std::string credential() const = 0;
  // The gateway's raw TCP media port, for a provider whose media comes over TCP (AudioSocket); 0: none.
  virtual std::uint16_t media_port() { return 0; }
  // Whether the provider answers marks (AudioSocket has none: the gateway paces).
  virtual bool has_marks() const { return true; }
  // The steps a passing probe shows (a TCP provider's media-tcp in place of stream-url and upgrade).
  virtual std::vector<const char*> probe_steps() const {
    return {"webhook", "answer", "stream-url", "upgrade", "media", "audio-back", "stop"};
  }

  tools::probe_report probe() { return probe(credential()); }
  tools::probe_report probe(std::string credential) {
    tools::probe_options o;
    o.public_url = local_public_url;
    o.provider = provider();
    o.credential = std::move(credential);
    o.connect_to = "127.0.0.1:" + std::to_string(gateway->port());
    o.media_port = media_port();
    o.insecure_local = true;
    o.seconds = 1;
    return tools::run_probe(o);
  }

  tools::load_report load(int calls, double seconds) {
    tools::load_options o;
    o.gateway_url = gateway_url();
    o.public_url = local_public_url;
    o.provider = provider();
    o.credential = credential();
    o.media_port = media_port();
    o.calls = calls;
    o.duration_s = seconds;
    o.ramp_per_s = 100;
    return tools::run_load(o, {});
  }

  // `voxgate call`: talking at once (the echo AI does not greet), the caller hears itself back.
  void expect_call_heard() {
    tools::call_options o;
    o.gateway_url = gateway_url();
    o.public_url = local_public_url;
    o.provider = provider();
    o.credential = credential();
    o.media_port = media_port();
    o.seconds = 1;
    o.wait_greeting = false;
    auto r = tools::run_simulated_call(o);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.frames_sent, 50u);
    EXPECT_GT(r.frames_received, 0u);
    if (!has_marks()) {
      EXPECT_EQ(r.marks_answered, 0u);
    }
    EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  }

  // Returns the report, for a provider's own further checks.
  tools::probe_report expect_probe_passes() {
    auto report = probe();
    EXPECT_TRUE(report.ok()) << tools::render(report);
    for (const char* step : probe_steps())
      EXPECT_NE(report.find(step), nullptr) << step << "\n" << tools::render(report);
    EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
    return report;
  }

  // Every frame comes back unchanged (PCM16 at 8 kHz too: the gateway's μ-law round trip is exact).
  void expect_load_completes() {
    auto r = load(3, 2);
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures.begin()->first);
    EXPECT_EQ(r.connected, 3);
    EXPECT_EQ(r.completed, 3);
    EXPECT_EQ(r.frames_sent, 3u * 100u);
    EXPECT_EQ(r.frames_back, r.frames_sent);
    EXPECT_EQ(r.frames_lost, 0u);
    EXPECT_EQ(r.bytes_differing, 0u);
    EXPECT_EQ(r.bytes_beyond_sent, 0u);
    if (has_marks())
      EXPECT_GT(r.marks_answered, 0u);
    else
      EXPECT_EQ(r.marks_answered, 0u);
    EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  }
};

}  // namespace voxgate::testing
