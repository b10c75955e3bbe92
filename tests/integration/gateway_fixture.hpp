// Runs the real gateway in-process on 127.0.0.1 against fake Twilio, OpenAI, tool and REST peers.
// PUBLIC_URL is a name the gateway never listens on, as behind a PaaS proxy: signatures and TwiML
// use it, while the fakes connect to 127.0.0.1 the way the proxy would.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <thread>

#include "app/gateway.hpp"
#include "codecs/base64.hpp"
#include "tests/fakes/fake_openai.hpp"
#include "tests/fakes/fake_twilio.hpp"
#include "tests/fakes/http_peer.hpp"

namespace voxgate::testing {

using namespace std::chrono_literals;

// Polls a condition that the gateway reaches asynchronously (teardown, counters).
template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

// A JSON text the gateway sent (an NCCO, a frame), as a DOM to look into.
inline rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

class GatewayTest : public ::testing::Test {
 protected:
  static constexpr const char* public_url = "https://gw.example.test";
  static constexpr const char* auth_token = "test-twilio-auth-token";
  static constexpr const char* openai_key = "test-openai-key";
  static constexpr const char* ops_token = "test-ops-token-0123";

  virtual void customize(app::config&) {}
  virtual bool echo_ai() const { return false; }

  void SetUp() override {
    openai = std::make_unique<fakes::fake_openai>(openai_key, echo_ai());
    ASSERT_EQ(openai->start(), "");
    tools.on("POST", "/tools", [](const net::http_request&) {
      net::http_response r;
      r.content_type = "application/json";
      r.body = R"({"status":"shipped","eta":"tomorrow"})";
      return r;
    });
    ASSERT_EQ(tools.start(), "");
    rest.on("POST", "/2010-04-01/", [](const net::http_request&) { return net::http_response::text(200, "{}"); });
    ASSERT_EQ(rest.start(), "");

    app::config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.public_url = public_url;
    c.ai_backend = "openai-realtime";
    c.ai_settings["OPENAI_API_KEY"] = openai_key;
    c.ai_settings["OPENAI_REALTIME_URL"] = openai->url();
    c.provider_settings["TWILIO_AUTH_TOKEN"] = auth_token;
    c.provider_settings["TWILIO_ACCOUNT_SID"] = "AC_test_account";
    c.provider_settings["TWILIO_API_BASE"] = rest.base_url() + "/2010-04-01";
    c.tool_webhook_url = tools.base_url() + "/tools";
    c.agent_tools =
        R"([{"type":"function","name":"lookup_order","description":"Find an order","parameters":{"type":"object","properties":{"id":{"type":"string"}}}}])";
    c.ops_token = ops_token;
    c.workers = 2;
    c.log_level = "warn";
    // The overload guard refuses calls when a loop lags or is busy; a sanitizer build or a busy CI
    // core does both without any overload. The tests of the guard turn it back on.
    c.overload_lag_ms = 0;
    c.overload_busy_percent = 0;
    customize(c);
    gateway = std::make_unique<app::gateway>(c);
    ASSERT_EQ(gateway->start(), "");
    twilio = std::make_unique<fakes::fake_twilio>(gateway_url(), public_url, auth_token);
  }

  void TearDown() override {
    twilio.reset();
    gateway.reset();
    openai.reset();
  }

  std::string gateway_url() const { return "http://127.0.0.1:" + std::to_string(gateway->port()); }

  // As an operator would: with the bearer token that /calls needs.
  net::http_client_response get(const std::string& path) {
    net::http_client_request r;
    r.url = gateway_url() + path;
    r.headers.emplace_back("authorization", "Bearer " + std::string(ops_token));
    return fakes::fetch_sync(twilio->io(), std::move(r));
  }

  // The value of one exact series in /metrics (e.g. `voxgate_calls_total{provider="twilio",outcome="completed"}`).
  long metric(const std::string& series) {
    auto body = get("/metrics").body;
    auto at = body.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stol(body.substr(at + series.size() + 2));
  }


  // Places a call up to a streaming media socket; returns the TwiML's stream.
  fakes::twiml_stream connect_call(const std::string& sid, const std::string& query = "businessId=acme") {
    auto res = twilio->post_voice_webhook(sid, query);
    EXPECT_EQ(res.status, 200u) << res.body << res.error;
    auto stream = sim::twilio::parse_stream_instruction(res.body);
    EXPECT_TRUE(stream) << res.body;
    if (!stream) return {};
    EXPECT_EQ(twilio->open_media(*stream), "");
    twilio->send_connected();
    twilio->send_start(sid, stream->parameters);
    return *stream;
  }

  std::unique_ptr<fakes::fake_openai> openai;
  fakes::http_peer tools;
  fakes::http_peer rest;
  std::unique_ptr<app::gateway> gateway;
  std::unique_ptr<fakes::fake_twilio> twilio;
};

// The audio of `ai`'s input_audio_buffer.append events from its first, joined until `bytes` came, each
// within 5 s of the one before: what the AI heard (shorter when an append did not come).
inline std::string appended_audio(fakes::fake_openai& ai, std::size_t bytes) {
  std::string heard;
  std::size_t at = 0;
  for (int i = 0; heard.size() < bytes; ++i) {
    auto append = ai.events()->wait_for_field("type", "input_audio_buffer.append", std::chrono::seconds(5),
                                              i == 0 ? 0 : at + 1, &at);
    if (!append) break;
    heard += codecs::base64::decode(parsed(*append)["audio"].GetString()).value_or("");
  }
  return heard;
}

inline std::string audio_delta(const std::string& item, const std::string& raw) {
  return R"({"type":"response.output_audio.delta","event_id":"e1","response_id":"resp_1","item_id":")" + item +
         R"(","output_index":0,"content_index":0,"delta":")" + codecs::base64::encode(raw) + R"("})";
}

}  // namespace voxgate::testing
