// TLS faults toward the AI and the tool endpoint (expired, another name, self-signed): the call ends
// as ai_failed with the reason logged, or the AI gets an error output and the call goes on.
#include "hostile_fixture.hpp"
#include "tests/fakes/tls_peer.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

// ---- TLS faults toward the AI and the tool endpoint ----

enum class tls_fault { expired, another_name, self_signed };

struct tls_case {
  const char* name;
  tls_fault fault;
  const char* reason;  // OpenSSL's words for it, which the gateway's TLS line must carry
};
void PrintTo(const tls_case& c, std::ostream* os) { *os << c.name; }

const tls_case tls_faults[] = {
    {"Expired", tls_fault::expired, "certificate has expired"},
    {"AnotherName", tls_fault::another_name, "hostname mismatch"},
    {"SelfSigned", tls_fault::self_signed, "self-signed certificate"},
};

// A TLS peer on localhost whose certificate has one fault; TLS_CA_FILE names the test CA, so that the
// fault is the only reason to refuse it.
class TlsFaultTest : public HostileTest, public ::testing::WithParamInterface<tls_case> {
 protected:
  void SetUp() override {
    static std::atomic<int> n{0};
    // A fresh path per test: the gateway's TLS contexts are cached per CA file path for the process.
    dir_ = std::filesystem::temp_directory_path() /
           ("voxgate-hostile-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    ca_ = std::make_unique<fakes::test_ca>(dir_);
    fakes::cert_options o;
    switch (GetParam().fault) {
      case tls_fault::expired:
        o.valid_from = std::chrono::hours(-48);
        o.valid_until = std::chrono::hours(-24);
        peer_ = std::make_unique<fakes::tls_listener>(ca_->issue("peer", o));
        break;
      case tls_fault::another_name:
        o.name = "elsewhere.example";
        peer_ = std::make_unique<fakes::tls_listener>(ca_->issue("peer", o));
        break;
      case tls_fault::self_signed:
        peer_ = std::make_unique<fakes::tls_listener>(fakes::make_self_signed(dir_, "peer", o));
        break;
    }
    HostileTest::SetUp();
  }
  void TearDown() override {
    HostileTest::TearDown();
    peer_.reset();
    ca_.reset();
    std::filesystem::remove_all(dir_);
  }
  void customize(app::config& c) override {
    HostileTest::customize(c);
    c.ca_file = ca_->cert_file();
  }
  std::string peer_origin() const { return "localhost:" + std::to_string(peer_->port()); }

  // The TLS line names the peer and OpenSSL's reason; the peer saw the client refuse its handshake.
  void expect_the_tls_fault_named() {
    auto lines = lines_with({"TLS: refused the certificate of localhost", GetParam().reason});
    EXPECT_EQ(lines.size(), 1u) << all_lines();
    auto handshakes = peer_->wait_handshakes(1, 5s);
    ASSERT_EQ(handshakes.size(), 1u);
    EXPECT_NE(handshakes[0], "ok");
  }

  std::filesystem::path dir_;
  std::unique_ptr<fakes::test_ca> ca_;
  std::unique_ptr<fakes::tls_listener> peer_;
};

class TlsFaultTowardTheAi : public TlsFaultTest {
  void customize(app::config& c) override {
    TlsFaultTest::customize(c);
    c.ai_settings["OPENAI_REALTIME_URL"] = "wss://" + peer_origin() + "/v1/realtime?model=gpt-realtime";
  }
};

TEST_P(TlsFaultTowardTheAi, EndsTheCallAsAiFailedWithTheReasonLogged) {
  auto res = twilio->post_voice_webhook(sid, "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body;

  ASSERT_TRUE(eventually([&] { return outcome("twilio", "ai_failed") == 1; })) << all_lines();
  EXPECT_EQ(lines_with({std::string("call=") + sid, "cannot reach OpenAI Realtime: TLS handshake with localhost",
                        "certificate verify failed"})
                .size(),
            1u)
      << all_lines();
  expect_the_tls_fault_named();
  EXPECT_EQ(metric(R"(voxgate_ai_errors_total{backend="openai-realtime",code="connect"})"), 1);
  expect_nothing_left("twilio");

  // Twilio, following the TwiML, opens the media socket: it is closed, and Twilio hangs up.
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream);
  ASSERT_EQ(twilio->open_media(*stream), "");
  twilio->send_connected();
  twilio->send_start(sid, stream->parameters);
  EXPECT_TRUE(twilio->received()->wait_closed(5s));
}

INSTANTIATE_TEST_SUITE_P(Hostile, TlsFaultTowardTheAi, ::testing::ValuesIn(tls_faults),
                         [](const auto& info) { return std::string(info.param.name); });

class TlsFaultTowardTheTool : public TlsFaultTest {
  void customize(app::config& c) override {
    TlsFaultTest::customize(c);
    c.tool_webhook_url = "https://" + peer_origin() + "/tools";
  }
};

TEST_P(TlsFaultTowardTheTool, TheAiGetsAnErrorOutputAndTheCallGoesOn) {
  connect_call(sid);
  ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  openai->send(
      R"({"type":"response.function_call_arguments.done","response_id":"resp_2","item_id":"item_3","output_index":0,"call_id":"call_77","name":"lookup_order","arguments":"{\"id\":\"42\"}"})");

  auto output = openai->events()->wait_for(
      [](const std::string& f) { return f.find("function_call_output") != std::string::npos; }, 5s);
  ASSERT_TRUE(output) << all_lines();
  EXPECT_NE(output->find("call_77"), std::string::npos) << *output;
  EXPECT_NE(output->find("tool endpoint unreachable: TLS handshake with localhost"), std::string::npos) << *output;
  EXPECT_NE(output->find("certificate verify failed"), std::string::npos) << *output;
  EXPECT_EQ(metric(R"(voxgate_tool_calls_total{tool="lookup_order",result="error"})"), 1);
  EXPECT_EQ(lines_with({std::string("call=") + sid, "tool=lookup_order failed", "certificate verify failed"}).size(),
            1u)
      << all_lines();
  expect_the_tls_fault_named();

  // The call goes on: still streaming, the AI still connected; then it ends as any call does.
  EXPECT_NE(get("/calls").body.find(R"("state":"streaming")"), std::string::npos);
  EXPECT_FALSE(openai->events()->closed());
  twilio->send_stop(sid);
  EXPECT_TRUE(eventually([&] { return outcome("twilio", "completed") == 1; }));
  expect_nothing_left("twilio");
}

INSTANTIATE_TEST_SUITE_P(Hostile, TlsFaultTowardTheTool, ::testing::ValuesIn(tls_faults),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
