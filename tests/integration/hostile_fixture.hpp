// The gateway against hostile peers: a provider REST API that answers the requests it is aimed at the
// hostile way (5xx, slow, huge, malformed), with every log line captured. Shared by the hostile
// REST and TLS tests.
#pragma once

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>

#include "gateway_fixture.hpp"
#include "net/url.hpp"
#include "tests/fakes/fake_telnyx.hpp"

namespace voxgate::testing {

constexpr const char* ccid = "v3:hostile-call-control-id";
constexpr const char* session = "5e55e55e-0000-4000-8000-000000000001";
constexpr const char* sid = "CA00000000000000000000000000000bad";

// The part of a Telnyx command's target that names the call and the action (the id is percent-encoded).
inline std::string telnyx_action(const std::string& call_control_id, const char* action) {
  return net::percent_encode(call_control_id) + "/actions/" + action;
}


// How a hostile REST API answers the one request it is aimed at.
enum class hostile { status_500, status_503, slow, huge, not_json, truncated_json, html, already_ended };

struct hostile_answer {
  const char* name;  // in the test's name
  hostile how;
  const char* telnyx_says;  // what the gateway's line about a Telnyx command must contain
  const char* twilio_says;  // ... about a Twilio hangup
};
inline void PrintTo(const hostile_answer& a, std::ostream* os) { *os << a.name; }

// A provider REST API on 127.0.0.1 (Telnyx's /v2 and Twilio's /2010-04-01): answers each request whose
// target contains an aimed-at part the hostile way, and every other one as the provider would.
class hostile_rest {
 public:
  hostile_rest() : server_(io_, net::http_server_options{"127.0.0.1", 0}) {
    for (const char* prefix : {"/v2/", "/2010-04-01/"})
      server_.route_prefix("POST", prefix, [this](net::http_request req, net::responder respond) {
        on_request(std::move(req), std::move(respond));
      });
  }
  ~hostile_rest() {
    {
      std::lock_guard lock(mutex_);
      held_.clear();  // the gateway gave up on these long ago; dropping them closes their sockets
    }
    server_.stop();
    io_.stop();
  }
  std::string start() {
    auto err = server_.start();
    if (err.empty()) io_.start();
    return err;
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  // Requests whose target contains `target_part` are answered `how`: every one, or the first `times`.
  void aim(std::string target_part, hostile how, int times = -1) {
    std::lock_guard lock(mutex_);
    aims_.push_back({std::move(target_part), how, times});
  }
  // The bodies of the requests whose target contains `part`, in order.
  std::vector<std::string> bodies(const std::string& part) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < targets_.size(); ++i)
      if (targets_[i].find(part) != std::string::npos) out.push_back(bodies_[i]);
    return out;
  }
  // Whether a request whose target contains `part` arrived (polled with `eventually`).
  bool received(const std::string& part) const {
    std::lock_guard lock(mutex_);
    for (const auto& t : targets_)
      if (t.find(part) != std::string::npos) return true;
    return false;
  }

 private:
  void on_request(net::http_request req, net::responder respond) {
    std::optional<hostile> how;
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(req.target);
      bodies_.push_back(req.body);
      for (auto& a : aims_)
        if (req.target.find(a.part) != std::string::npos && a.times != 0) {
          how = a.how;
          if (a.times > 0) --a.times;
        }
      if (how == hostile::slow) {
        held_.push_back(std::move(respond));  // never answered while the gateway waits
        return;
      }
    }
    respond(how ? answer(*how) : ok());
  }

  static net::http_response ok() {
    net::http_response r;
    r.content_type = "application/json";
    r.body = R"({"data":{"result":"ok"}})";
    return r;
  }

  static net::http_response answer(hostile how) {
    net::http_response r;
    r.content_type = "application/json";
    switch (how) {
      case hostile::status_500:
        r.status = 500;
        r.body = R"({"errors":[{"code":"10007","title":"Unexpected error","detail":"An unexpected error occured."}]})";
        break;
      case hostile::status_503:
        r.status = 503;
        r.content_type = "text/plain";
        break;
      case hostile::huge:  // a 200 whose body the gateway will not read to the end (its limit is 1 MiB)
        r.body = R"({"data":{"result":"ok","padding":")" + std::string(4 * 1024 * 1024, 'x') + R"("}})";
        break;
      case hostile::not_json:
        r.status = 500;
        r.content_type = "text/plain";
        r.body = "Internal Server Error";
        break;
      case hostile::truncated_json:
        r.status = 500;
        r.body = R"({"errors":[{"code":"10007","title":"Unexpected error","detail":"An unexpected)";
        break;
      case hostile::html:
        r.status = 502;
        r.content_type = "text/html";
        r.body =
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
            "<hr><center>nginx</center></body></html>\r\n";
        break;
      case hostile::already_ended:  // Telnyx's answer to a command for a call that is over
        r.status = 422;
        r.body = R"({"errors":[{"code":"90018","title":"Call has already ended","detail":"This call is no longer )"
                 R"(active and can't receive commands."}]})";
        break;
      case hostile::slow:
        break;
    }
    return r;
  }

  net::io_runtime io_{1};
  net::http_server server_;
  mutable std::mutex mutex_;
  struct aimed {
    std::string part;
    hostile how;
    int times;  // answers left to give the hostile way; -1: all
  };
  std::vector<aimed> aims_;
  std::vector<std::string> targets_;
  std::vector<std::string> bodies_;
  std::vector<net::responder> held_;
};

// The gateway against a hostile REST API, with every log line captured (as in log_lines_test.cpp).
class HostileTest : public GatewayTest {
 protected:
  fakes::fake_telnyx telnyx;
  hostile_rest hostile_api;

  void SetUp() override {
    previous_ = spdlog::default_logger();
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(2000);
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
    ASSERT_EQ(hostile_api.start(), "");
    GatewayTest::SetUp();
    telnyx.set_gateway(gateway_url());
  }
  void TearDown() override {
    GatewayTest::TearDown();
    spdlog::set_default_logger(previous_);
  }
  void customize(app::config& c) override {
    c.provider_settings["TELNYX_PUBLIC_KEY"] = telnyx.public_key();
    c.provider_settings["TELNYX_API_KEY"] = "test-telnyx-key";
    c.provider_settings["TELNYX_API_BASE"] = hostile_api.base_url() + "/v2";
    c.provider_settings["TWILIO_API_BASE"] = hostile_api.base_url() + "/2010-04-01";
  }

  // Lines that contain every one of `parts`.
  std::vector<std::string> lines_with(std::initializer_list<std::string> parts) {
    std::vector<std::string> out;
    for (auto& l : sink_->last_formatted()) {
      bool all = true;
      for (const auto& p : parts) all = all && l.find(p) != std::string::npos;
      if (all) out.push_back(l);
    }
    return out;
  }
  std::string all_lines() {
    std::string out;
    for (auto& l : sink_->last_formatted()) out += "  " + l + "\n";
    return out;
  }

  long outcome(const std::string& provider, const std::string& label) {
    return metric(R"(voxgate_calls_total{provider=")" + provider + R"(",outcome=")" + label + R"("})");
  }
  // Nothing of the call is left: not in /calls, not counted as active, no call or AI actor alive.
  void expect_nothing_left(const std::string& provider) {
    EXPECT_TRUE(eventually([&] { return get("/calls").body == "[]"; })) << get("/calls").body;
    for (const char* state : {"ringing", "streaming"})
      EXPECT_EQ(metric(R"(voxgate_calls_active{provider=")" + provider + R"(",state=")" + state + R"("})"), 0) << state;
    EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_actors_live{actor="call"})") == 0; }));
    EXPECT_TRUE(eventually([&] { return metric(R"(voxgate_actors_live{actor="ai_openai_realtime"})") == 0; }));
  }

  // The fake AI talks to its latest session: wait for the n-th call's to be there.
  void wait_for_ai_session(int n) {
    ASSERT_TRUE(eventually([&] { return openai->sessions() == n; }));
    ASSERT_TRUE(openai->events()->wait_for_field("type", "session.update", 5s));
  }
  // A Telnyx call answered normally up to its AI session (the n-th), then ended by the AI's end_call.
  void telnyx_call_ended_by_the_ai(const std::string& id, const std::string& session_id, int n = 1) {
    ASSERT_EQ(telnyx.post_event("evt-i-" + id, "call.initiated", id, session_id).status, 200u);
    ASSERT_TRUE(eventually([&] { return hostile_api.received(telnyx_action(id, "answer")); }));
    wait_for_ai_session(n);
    openai->send(
        R"({"type":"response.function_call_arguments.done","call_id":"call_end","name":"end_call","arguments":"{}"})");
  }
  // A Twilio call streaming, then ended by the AI's end_call (hung up over Twilio's REST API).
  void twilio_call_ended_by_the_ai(const char* call_sid, int n = 1) {
    connect_call(call_sid);
    ASSERT_TRUE(eventually([&] { return get("/calls").body.find(R"("state":"streaming")") != std::string::npos; }));
    wait_for_ai_session(n);
    openai->send(
        R"({"type":"response.function_call_arguments.done","call_id":"call_end","name":"end_call","arguments":"{}"})");
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

class HostileStreamingStartTest : public HostileTest {
  void customize(app::config& c) override {
    HostileTest::customize(c);
    c.provider_settings["TELNYX_STREAM_MODE"] = "streaming_start";
  }
};

}  // namespace voxgate::testing
