// What an operator's scraper and probes meet: /metrics passes promtool's checks during a live call,
// carries the standard process_* series, build info and every panel's counters at zero from the start,
// says its charset; HEAD is answered like GET without a body; AI time to first audio is what the caller waits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "actors/ai/local.hpp"
#include "codecs/g711.hpp"
#include "gateway_fixture.hpp"
#include "tests/fakes/shell.hpp"
#include "tools/probe/health_command.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* sid = "CA0123456789abcdef0123456789abcdef";

// One request on its own connection, the whole answer as received (HEAD needs a client that does not
// wait for the body its Content-Length announces).
std::string raw_request(std::uint16_t port, const std::string& method, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

// The value of one exact series, as a double (histogram sums are fractional).
std::optional<double> series_value(const std::string& body, const std::string& series) {
  auto at = body.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(body.substr(at + series.size() + 2));
}

class MetricsTest : public GatewayTest {
 protected:
  void customize(app::config& c) override { c.max_calls = 37; }
};

}  // namespace

TEST_F(MetricsTest, PromtoolFindsNothingWrongDuringALiveCall) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  twilio->send_media(std::string(160, '\x10'));
  openai->send(audio_delta("item_1", std::string(800, '\x42')));
  ASSERT_TRUE(twilio->received()->wait_for_field("event", "media", 5s));
  openai->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_1","name":"lookup_order","arguments":"{}"})");
  ASSERT_TRUE(tools.wait_requests(1, 5s));
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  ASSERT_TRUE(eventually(
      [&] { return metric(R"(voxgate_tool_call_duration_seconds_count{tool="lookup_order",result="ok"})") == 1; }));

  auto body = get("/metrics").body;
  auto file = std::filesystem::temp_directory_path() / ("voxgate_metrics_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << body;
  // promtool as `make test` provides it (scripts/bootstrap.sh --test), else from the PATH.
  std::string promtool = std::string(VOXGATE_SOURCE_DIR) + "/.deps/bin/promtool";
  if (!std::filesystem::exists(promtool)) promtool = "promtool";
  auto check = fakes::run_command(promtool + " check metrics < " + file.string() + " 2>&1");
  std::filesystem::remove(file);
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "");  // not one lint problem
  // What it checked held a live call.
  EXPECT_NE(body.find(R"(voxgate_calls_active{provider="twilio",state="streaming"} 1)"), std::string::npos);
  EXPECT_NE(body.find("voxgate_call_duration_seconds_bucket"), std::string::npos);
}

TEST_F(MetricsTest, TheStandardProcessSeriesAndBuildInfoAreThere) {
  auto body = get("/metrics").body;
  for (const char* type : {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
                           "# TYPE process_open_fds gauge", "# TYPE process_max_fds gauge",
                           "# TYPE process_start_time_seconds gauge", "# HELP process_open_fds "})
    EXPECT_NE(body.find(type), std::string::npos) << type;
  EXPECT_GT(*series_value(body, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(*series_value(body, "process_open_fds"), 3);
  EXPECT_GE(*series_value(body, "process_max_fds"), *series_value(body, "process_open_fds"));
  auto started = *series_value(body, "process_start_time_seconds");
  auto now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(started, now + 1);
  EXPECT_GT(started, now - 24 * 3600);                          // this test process, not the epoch or the boot
  EXPECT_EQ(body.find("voxgate_process_"), std::string::npos);  // no second copy under our prefix

  EXPECT_EQ(metric(R"(voxgate_build_info{version="0.1.0"})"), 1);
  EXPECT_EQ(app::build_version, "0.1.0");
  EXPECT_EQ(metric("voxgate_max_calls"), 37);
  EXPECT_EQ(metric("voxgate_draining"), 0);
  EXPECT_NE(body.find("\nvoxgate_draining 0\n"), std::string::npos);
  gateway->drain(std::chrono::seconds(0));
  EXPECT_EQ(metric("voxgate_draining"), 1);
}

TEST_F(MetricsTest, ThePanelsCountersAreThereAtZeroBeforeAnyCall) {
  auto body = get("/metrics").body;
  for (const char* series : {
           R"(voxgate_calls_total{provider="twilio",outcome="completed"} 0)",
           R"(voxgate_calls_total{provider="telnyx",outcome="ai_failed"} 0)",
           R"(voxgate_simulated_calls_total{provider="twilio",outcome="completed"} 0)",
           R"(voxgate_calls_active{provider="telnyx",state="streaming"} 0)",
           R"(voxgate_webhooks_total{provider="twilio",result="accepted"} 0)",
           R"(voxgate_webhooks_total{provider="twilio",result="refused_capacity"} 0)",
           R"(voxgate_webhooks_total{provider="telnyx",result="bad_signature"} 0)",
           R"(voxgate_media_sockets_refused_total{provider="twilio",reason="expired_token"} 0)",
           R"(voxgate_ws_upgrade_attempts_total{path="/twilio/media/<redacted>",result="accepted",reason="ok"} 0)",
           R"(voxgate_calls_refused_total{provider="twilio",reason="overload"} 0)",
           R"(voxgate_frames_total{provider="twilio",direction="in"} 0)",
           R"(voxgate_frames_dropped_total{provider="telnyx",direction="out"} 0)",
           R"(voxgate_barge_ins_total{provider="twilio"} 0)",
           R"(voxgate_ai_errors_total{backend="openai-realtime",code="connect"} 0)",
           R"(voxgate_ai_time_to_first_audio_seconds_count{backend="openai-realtime"} 0)",
           R"(voxgate_call_duration_seconds_count{provider="telnyx"} 0)",
           R"(voxgate_accept_errors_total{reason="out_of_fds"} 0)",
           R"(voxgate_actors_live{actor="call"} 0)",
       })
    EXPECT_NE(body.find(std::string("\n") + series + "\n"), std::string::npos) << series;
}

TEST_F(MetricsTest, TheExpositionSaysItsFormatVersionAndCharset) {
  auto res = get("/metrics");
  EXPECT_EQ(net::header_or(res.headers, "content-type"), "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(MetricsTest, HeadIsAnsweredWithTheGetStatusAndNoBody) {
  auto health = raw_request(gateway->port(), "HEAD", "/healthz");
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
  EXPECT_NE(health.find("Content-Length: 3\r\n"), std::string::npos) << health;  // what GET would carry: "ok\n"
  EXPECT_EQ(health.substr(health.find("\r\n\r\n") + 4), "") << health;
  auto metrics = raw_request(gateway->port(), "HEAD", "/metrics");
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200", 0), 0u) << metrics;
  EXPECT_EQ(metrics.substr(metrics.find("\r\n\r\n") + 4), "");
  EXPECT_EQ(raw_request(gateway->port(), "HEAD", "/readyz").rfind("HTTP/1.1 200", 0), 0u);
  gateway->drain(std::chrono::seconds(0));
  auto draining = raw_request(gateway->port(), "HEAD", "/readyz");
  EXPECT_EQ(draining.rfind("HTTP/1.1 503", 0), 0u) << draining;
  EXPECT_EQ(draining.substr(draining.find("\r\n\r\n") + 4), "");
  EXPECT_EQ(raw_request(gateway->port(), "HEAD", "/nowhere").rfind("HTTP/1.1 404", 0), 0u);
}

// `voxgate health`, the container's HEALTHCHECK: 0 for a live gateway, 1 with a reason otherwise.
TEST_F(MetricsTest, TheHealthCommandSaysWhetherTheGatewayAnswers) {
  auto live = fakes::run_subcommand(tools::health_command, {"health", "--url", gateway_url() + "/healthz"});
  EXPECT_EQ(live.status, 0) << live.err;
  EXPECT_EQ(live.err, "");

  auto nobody = "http://127.0.0.1:" + std::to_string(fakes::free_port()) + "/healthz";
  auto down = fakes::run_subcommand(tools::health_command, {"health", "--url", nobody});
  EXPECT_EQ(down.status, 1);
  EXPECT_NE(down.err.find("connect"), std::string::npos) << down.err;

  fakes::http_peer sick;
  sick.on("GET", "/healthz", [](const net::http_request&) { return net::http_response::text(503, "draining\n"); });
  ASSERT_EQ(sick.start(), "");
  auto unhealthy = fakes::run_subcommand(tools::health_command, {"health", "--url", sick.base_url() + "/healthz"});
  EXPECT_EQ(unhealthy.status, 1);
  EXPECT_NE(unhealthy.err.find("answered 503"), std::string::npos) << unhealthy.err;

  auto bad = fakes::run_subcommand(tools::health_command, {"health", "--url", "not a url"});
  EXPECT_EQ(bad.status, 2);

  // A gateway that accepts and never answers (a listening socket nobody accepts from) fails the
  // check at its timeout instead of hanging it.
  fakes::silent_listener listener;
  auto silent = "http://127.0.0.1:" + std::to_string(listener.port()) + "/healthz";
  auto hung = fakes::run_subcommand(tools::health_command, {"health", "--url", silent, "--timeout", "0.5"});
  EXPECT_EQ(hung.status, 1);
  EXPECT_NE(hung.err.find("no answer within 0.5 s"), std::string::npos) << hung.err;
  listener.close();  // the abandoned request's read fails now, and its thread ends
}

namespace {

class LocalAgentMetricsTest : public GatewayTest {
 protected:
  void customize(app::config& c) override {
    c.ai_backend = "local";
    c.agent_greets_first = false;  // only the reply to the caller is timed
  }
};

// 20 ms of G.711 u-law: a square wave at `amplitude` (0 is silence).
std::string caller_frame(std::int16_t amplitude) {
  std::string bytes(160, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] =
        static_cast<char>(codecs::g711::linear_to_ulaw(static_cast<std::int16_t>(i % 16 < 8 ? amplitude : -amplitude)));
  return bytes;
}

}  // namespace

// The local agent replies after a pause of end_of_turn_ms: the caller waits at least that long, and
// the metric says so (it used to start at the agent's decision and read a few milliseconds).
TEST_F(LocalAgentMetricsTest, TimeToFirstAudioIncludesThePauseThatEndedTheCallersTurn) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));
  const std::string count = R"(voxgate_ai_time_to_first_audio_seconds_count{backend="local"})";
  // The caller speaks for half a second, then is quiet; frames go at the pace a phone sends them.
  for (int i = 0; i < 25; ++i) {
    twilio->send_media(caller_frame(4000));
    std::this_thread::sleep_for(20ms);
  }
  for (int i = 0; i < 100 && metric(count) == 0; ++i) {
    twilio->send_media(caller_frame(0));
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(eventually([&] { return metric(count) == 1; }));
  auto waited = *series_value(get("/metrics").body, R"(voxgate_ai_time_to_first_audio_seconds_sum{backend="local"})");
  auto pause = actors::ai::local_agent_options{}.end_of_turn_ms / 1000.0;
  std::printf("[ figure ] local agent: the caller waited %.3f s for the reply (its pause: %.3f s)\n", waited, pause);
  EXPECT_GE(waited, pause - 0.05) << "the pause the agent waited for is part of what the caller waits";
  EXPECT_LT(waited, pause + 2.0);
}
