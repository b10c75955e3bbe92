// The log lines operators rely on: one line per WebSocket upgrade attempt with its result and reason,
// and one loud line (once) saying how the public URL was derived when PUBLIC_URL is not set.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "app/log_format.hpp"
#include "gateway_fixture.hpp"
#include "net/json.hpp"
#include "net/providers/twilio/signature.hpp"
#include "tests/fakes/raw_ws.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

// Captures every log line of the gateway; installed before its threads start, removed after they stop.
class LoggedGatewayTest : public GatewayTest {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
    GatewayTest::SetUp();
  }
  void TearDown() override {
    GatewayTest::TearDown();
    spdlog::set_default_logger(previous_);
  }
  std::vector<std::string> lines_with(const std::string& text) {
    std::vector<std::string> out;
    for (auto& l : sink_->last_formatted())
      if (l.find(text) != std::string::npos) out.push_back(l);
    return out;
  }
  net::http_client_response get_with(const std::string& path, net::header_list headers) {
    net::http_client_request r;
    r.url = gateway_url() + path;
    r.headers = std::move(headers);
    return fakes::fetch_sync(twilio->io(), std::move(r));
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

class DerivedUrlGatewayTest : public LoggedGatewayTest {
  void customize(app::config& c) override { c.public_url.clear(); }
};

}  // namespace

TEST_F(LoggedGatewayTest, EveryUpgradeAttemptLogsOneLineWithItsResultAndReason) {
  EXPECT_EQ(get("/twilio/media").status, 426u);
  auto refused = lines_with("upgrade path=/twilio/media");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("result=refused status=426"), std::string::npos) << refused[0];
  EXPECT_NE(refused[0].find("a proxy may strip them"), std::string::npos) << refused[0];
  EXPECT_NE(refused[0].find("host=127.0.0.1"), std::string::npos) << refused[0];

  connect_call("CA0123456789abcdef0123456789abcdef");
  // The accepted upgrade's line waits for the start and carries the call it named: webhook, upgrade
  // and streaming lines of one call pair up under load.
  ASSERT_TRUE(eventually([&] { return lines_with("upgrade call=CA0123456789abcdef0123456789abcdef").size() == 1; }));
  EXPECT_EQ(lines_with("path=/twilio/media").size(), 2u);  // one line per attempt: refused, accepted
  auto accepted = lines_with("upgrade call=CA0123456789abcdef0123456789abcdef")[0];
  EXPECT_NE(accepted.find("path=/twilio/media/<redacted> remote=127.0.0.1:"), std::string::npos) << accepted;
  EXPECT_NE(accepted.find("result=accepted status=101"), std::string::npos) << accepted;
}

// The gateway runs two workers here. Each call is placed on one, and its media socket, which may come
// in on either, is moved to that worker before the handshake: the upgrade line names the worker that
// took the socket, /calls the call's. Four calls in turn, so that a match by chance (1 in 2 each)
// cannot pass.
TEST_F(LoggedGatewayTest, EachMediaSocketIsTakenByItsCallsWorker) {
  for (int i = 0; i < 4; ++i) {
    std::string sid = "CA0123456789abcdef0123456789abcd0" + std::to_string(i);
    connect_call(sid);
    ASSERT_TRUE(eventually([&] { return lines_with("upgrade call=" + sid).size() == 1; }));
    auto line = lines_with("upgrade call=" + sid)[0];
    auto at = line.find(" worker=");
    ASSERT_NE(at, std::string::npos) << line;
    int socket_worker = std::stoi(line.substr(at + 8));
    auto calls = get("/calls").body;
    auto field = calls.find(R"("worker":)");
    ASSERT_NE(field, std::string::npos) << calls;
    EXPECT_EQ(std::stoi(calls.substr(field + 9)), socket_worker) << "call " << i << ": " << calls << "\n" << line;
    twilio->hang_up_socket();
    ASSERT_TRUE(eventually([&] { return get("/calls").body == "[]"; }));
  }
}

TEST_F(LoggedGatewayTest, AnAcceptedMediaSocketThatNeverStartsStillLogsItsUpgrade) {
  {
    fakes::raw_ws raw;  // upgraded (signed as Twilio would), then gone before any start
    ASSERT_EQ(raw.connect("127.0.0.1", gateway->port(), "/twilio/media",
                          {{"X-Twilio-Signature", net::twilio::compute_signature(
                                                      auth_token, "wss://gw.example.test/twilio/media", {})}}),
              101);
  }
  ASSERT_TRUE(eventually([&] { return lines_with("upgrade call=- path=/twilio/media").size() == 1; }));
  EXPECT_NE(lines_with("upgrade call=- path=/twilio/media")[0].find("result=accepted"), std::string::npos);
}

TEST_F(DerivedUrlGatewayTest, ADerivedPublicUrlIsLoggedOnceWithHowItWasDerived) {
  net::header_list proxy{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "voice.example.com"}};
  auto res = get_with("/", proxy);
  EXPECT_NE(res.body.find("wss://voice.example.com/twilio/media"), std::string::npos) << res.body;
  get_with("/", proxy);
  auto derived = lines_with("was derived");
  ASSERT_EQ(derived.size(), 1u);  // once, not per request
  EXPECT_NE(derived[0].find("https://voice.example.com"), std::string::npos) << derived[0];
  EXPECT_NE(derived[0].find("X-Forwarded-Host=voice.example.com"), std::string::npos) << derived[0];
  EXPECT_EQ(lines_with("PUBLIC_URL is not set").size(), 1u);  // and the start-up warning
}

TEST_F(LoggedGatewayTest, ACallRefusedWhileDrainingSaysSoInTheLog) {
  gateway->drain(std::chrono::seconds(0));
  auto res = twilio->post_voice_webhook("CA00000000000000000000000000000d01", "");
  EXPECT_EQ(res.status, 200u);  // the polite refusal, as TwiML
  auto refused = lines_with("call=CA00000000000000000000000000000d01 refused reason=draining");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("shutting down"), std::string::npos) << refused[0];
}

// What a peer sends is logged as values, never as fields of the line: an AI error whose code and
// message hold quotes and `key=value` pairs leaves the line's own fields as they were, in the JSON
// format as in the text one.
TEST_F(LoggedGatewayTest, AnAiErrorCannotAddFieldsToItsLogLine) {
  const std::string sid = "CA0123456789abcdef0123456789abce01";
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return openai->sessions() == 1; }));
  openai->send(
      R"({"type":"error","event_id":"e1","error":{"type":"invalid_request_error","code":"bad code outcome=forged",)"
      R"("message":"no \"thing\" call=CAforged outcome=completed","param":null}})");
  ASSERT_TRUE(eventually([&] { return lines_with("OpenAI error").size() == 1; }));
  auto line = lines_with("OpenAI error")[0];
  if (!line.empty() && line.back() == '\n') line.pop_back();
  std::ostringstream out;
  spdlog::logger json("json", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  json.set_formatter(app::json_log_formatter());
  json.warn(line);
  json.flush();
  auto text = out.str();
  auto body = text.substr(0, text.size() - 1);  // parsed in place
  net::json::insitu_document doc;
  ASSERT_EQ(doc.parse(body), "") << text;
  EXPECT_EQ(net::json::string_or(doc.root(), "call_id"), sid) << text;
  EXPECT_EQ(net::json::string_or(doc.root(), "code"), "bad code outcome=forged") << text;
  EXPECT_EQ(net::json::string_or(doc.root(), "message"), R"(no "thing" call=CAforged outcome=completed)") << text;
  EXPECT_FALSE(doc.root().HasMember("outcome")) << text;
  // Nor does the code become a series of its own in /metrics.
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-realtime",code="other"})"), 1);
}
