// `voxgate probe` against a local gateway: every step passes on a healthy one, and each common
// misconfiguration is caught at the right step with the right hint.
#include "tools/probe/probe.hpp"
#include "gateway_fixture.hpp"
#include "tests/fakes/strip_proxy.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* local_public_url = "http://gw.example.test";

class ProbeTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.public_url = local_public_url;
    c.ai_backend = "local";  // greets with a chime: audio comes back with no AI key
  }
  tools::probe_options options(const std::string& url = local_public_url) {
    tools::probe_options o;
    o.public_url = url;
    o.credential = auth_token;
    o.connect_to = "127.0.0.1:" + std::to_string(gateway->port());
    o.insecure_local = true;
    o.seconds = 1;
    return o;
  }
  static std::string first_failure(const tools::probe_report& r) {
    for (const auto& l : r.lines)
      if (!l.ok) return l.step;
    return "";
  }
};

}  // namespace

TEST_F(ProbeTest, AHealthyGatewayPassesEveryStep) {
  auto report = tools::run_probe(options());
  EXPECT_TRUE(report.ok()) << tools::render(report);
  for (const char* step :
       {"dns", "tcp", "tls", "webhook", "answer", "stream-url", "upgrade", "media", "audio-back", "stop"})
    EXPECT_NE(report.find(step), nullptr) << step;
  EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));  // the probe's call ended cleanly
}

TEST_F(ProbeTest, AWrongPublicUrlFailsTheSignedWebhookAndSaysSo) {
  auto report = tools::run_probe(options("http://old-tunnel.example.test"));
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(first_failure(report), "webhook") << tools::render(report);
  EXPECT_NE(report.find("webhook")->hint.find("PUBLIC_URL"), std::string::npos);
}

class UnsignedProbeTest : public ProbeTest {
  void customize(app::config& c) override {
    ProbeTest::customize(c);
    c.provider_settings.erase("TWILIO_AUTH_TOKEN");
  }
};

TEST_F(UnsignedProbeTest, AStreamUrlForAnotherHostIsCaught) {
  auto o = options("http://other.example.test");
  o.credential.clear();
  auto report = tools::run_probe(o);
  ASSERT_EQ(first_failure(report), "stream-url") << tools::render(report);
  EXPECT_NE(report.find("stream-url")->detail.find("host is gw.example.test"), std::string::npos);
  EXPECT_NE(report.find("stream-url")->hint.find("PUBLIC_URL=http://other.example.test"), std::string::npos);
}

TEST_F(ProbeTest, AnHttpsOnlyProviderRefusesPlainHttp) {
  auto o = options();
  o.insecure_local = false;
  auto report = tools::run_probe(o);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(first_failure(report), "scheme");
}

TEST(Probe, APathThatIsNotRoutedIsNamed) {
  fakes::http_peer other;
  other.on("GET", "/", [](const net::http_request&) { return net::http_response::text(200, "hello"); });
  ASSERT_EQ(other.start(), "");
  tools::probe_options o;
  o.public_url = other.base_url();
  o.insecure_local = true;
  auto report = tools::run_probe(o);
  ASSERT_NE(report.find("webhook"), nullptr);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->hint.find("not routed"), std::string::npos) << tools::render(report);
}

TEST(Probe, APlainWebServerOnThePortIsRecognised) {
  fakes::http_peer site;
  auto page = [](const net::http_request&) {
    net::http_response r;
    r.content_type = "text/html";
    r.body = "<html><body>Welcome to nginx!</body></html>";
    return r;
  };
  site.on("POST", "/", page);
  site.on("GET", "/", page);
  ASSERT_EQ(site.start(), "");
  tools::probe_options o;
  o.public_url = site.base_url();
  o.insecure_local = true;
  auto report = tools::run_probe(o);
  ASSERT_NE(report.find("webhook"), nullptr);
  EXPECT_FALSE(report.find("webhook")->ok);
  EXPECT_NE(report.find("webhook")->hint.find("HTML page"), std::string::npos) << tools::render(report);
}

TEST_F(ProbeTest, AProxyThatStripsUpgradeHeadersIsCaughtAtTheUpgrade) {
  fakes::strip_proxy proxy(gateway->port());
  auto o = options();
  o.connect_to = "127.0.0.1:" + std::to_string(proxy.port());
  auto report = tools::run_probe(o);
  ASSERT_EQ(first_failure(report), "upgrade") << tools::render(report);
  EXPECT_NE(report.find("upgrade")->detail.find("426"), std::string::npos) << tools::render(report);
  EXPECT_NE(report.find("upgrade")->hint.find("stripped"), std::string::npos);
  EXPECT_TRUE(report.find("webhook")->ok);  // plain requests pass the proxy fine: only upgrades break
}

TEST(Probe, NothingListeningIsCaughtAtTcp) {
  tools::probe_options o;
  o.public_url = "http://127.0.0.1:1";
  o.insecure_local = true;
  auto report = tools::run_probe(o);
  ASSERT_NE(report.find("tcp"), nullptr);
  EXPECT_FALSE(report.find("tcp")->ok);
}

TEST(ProbeExplain, SaysHowThePublicUrlIsDerived) {
  auto derived = tools::explain_public_url(
      "", {{"host", "10.0.0.5:8080"}, {"x-forwarded-proto", "https"}, {"x-forwarded-host", "voice.example.com"}});
  EXPECT_NE(derived.find("https://voice.example.com"), std::string::npos);
  EXPECT_NE(derived.find("wss://voice.example.com/twilio/media"), std::string::npos);
  EXPECT_NE(derived.find("X-Forwarded-Host=voice.example.com"), std::string::npos);
  auto plain = tools::explain_public_url("", {{"host", "10.0.0.5:8080"}});
  EXPECT_NE(plain.find("warning"), std::string::npos);
  auto configured = tools::explain_public_url("https://voice.example.com/", {{"host", "ignored"}});
  EXPECT_NE(configured.find("PUBLIC_URL is set"), std::string::npos);
  EXPECT_NE(configured.find("wss://voice.example.com/twilio/media"), std::string::npos);
  // Every provider's endpoints, from the registry as the front page lists them.
  EXPECT_NE(configured.find("https://voice.example.com/vonage/voice"), std::string::npos);
  EXPECT_NE(configured.find("https://voice.example.com/plivo/voice"), std::string::npos);
}

namespace {

class TelnyxProbeTest : public ProbeTest {
 protected:
  void customize(app::config& c) override {
    ProbeTest::customize(c);
    c.provider_settings["TELNYX_PUBLIC_KEY"] = key.public_key_b64();
  }
  tools::probe_options telnyx_options() {
    auto o = options();
    o.provider = "telnyx";
    o.credential = key.private_key_pem();
    return o;
  }
  sim::telnyx::signing_key key;
};

}  // namespace

TEST_F(TelnyxProbeTest, AHealthyGatewayAcceptsTheSignedWebhookAndRoutesTheUpgrade) {
  auto report = tools::run_probe(telnyx_options());
  EXPECT_TRUE(report.ok()) << tools::render(report);
  ASSERT_NE(report.find("upgrade"), nullptr);
  EXPECT_NE(report.find("upgrade")->detail.find("refused the made-up token"), std::string::npos);
  EXPECT_EQ(metric(R"(voxgate_actors_live{actor="call"})"), 0);  // the probe's event started no call
}

TEST_F(TelnyxProbeTest, AKeyThatIsNotTheGatewaysIsCaughtAtTheWebhook) {
  auto o = telnyx_options();
  o.credential = sim::telnyx::signing_key().private_key_pem();
  auto report = tools::run_probe(o);
  ASSERT_EQ(first_failure(report), "webhook") << tools::render(report);
  EXPECT_NE(report.find("webhook")->hint.find("TELNYX_PUBLIC_KEY"), std::string::npos);
}

TEST_F(TelnyxProbeTest, AProxyThatStripsUpgradeHeadersIsCaughtAtTheUpgrade) {
  fakes::strip_proxy proxy(gateway->port());
  auto o = telnyx_options();
  o.connect_to = "127.0.0.1:" + std::to_string(proxy.port());
  auto report = tools::run_probe(o);
  ASSERT_EQ(first_failure(report), "upgrade") << tools::render(report);
  EXPECT_NE(report.find("upgrade")->hint.find("stripped"), std::string::npos);
}

TEST_F(ProbeTest, AnHttpsUrlForThePlainHttpGatewaySuggestsHttp) {
  auto report = tools::run_probe(options("https://gw.example.test"));
  ASSERT_EQ(first_failure(report), "tls") << tools::render(report);
  EXPECT_NE(report.find("tls")->detail.find("wrong version number"), std::string::npos) << tools::render(report);
  EXPECT_NE(report.find("tls")->hint.find("is the gateway plain http? try http://gw.example.test"), std::string::npos)
      << tools::render(report);
}

TEST(Probe, ItsWebhooksSayTheCallIsSimulatedByProbe) {
  fakes::http_peer provider_side;  // not a gateway: the probe stops at the webhook
  provider_side.on("POST", "/", [](const net::http_request&) { return net::http_response::text(404, "no"); });
  ASSERT_EQ(provider_side.start(), "");
  for (const char* provider : {"twilio", "telnyx"}) {
    tools::probe_options o;
    o.public_url = provider_side.base_url();
    o.provider = provider;
    o.insecure_local = true;
    tools::run_probe(o);
  }
  auto requests = provider_side.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path(), "/twilio/voice");
  EXPECT_EQ(requests[1].path(), "/telnyx/webhook");
  for (const auto& req : requests) EXPECT_EQ(net::header_or(req.headers, "X-VoxGate-Simulated"), "probe") << req.target;
}
