// The Vonage provider behind the interface: its settings, the answer and event webhooks verified and
// parsed, the NCCO it admits with, the upgrade's token, and the REST hang-up it builds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>

#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/providers/registry.hpp"
#include "net/providers/vonage/jwt.hpp"
#include "tools/sim/vonage_wire.hpp"

using namespace voxgate;
using namespace voxgate::net;

namespace {

constexpr const char* secret = "vonage-signature-secret";
const std::string uuid = "63f61863-4a51-4f6b-86e1-46edebcf9356";

struct VonageProvider : ::testing::Test {
  const providers::provider& make(setting_values values = {}) {
    set_ = std::make_unique<providers::set>(values);
    const auto* p = set_->find("vonage");
    EXPECT_NE(p, nullptr);
    return *p;
  }
  static http_request request(std::string method, std::string target, std::string body = {}) {
    http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    return r;
  }
  static std::string answer_query() {
    return "businessId=acme&to=442079460000&from=447700900000&uuid=" + uuid + "&conversation_uuid=CON-1";
  }
  // Signed as Vonage signs: a GET's payload is its query as a compact JSON object.
  static void sign(http_request& r, sim::vonage::signing how = sim::vonage::signing::valid) {
    auto payload = r.method == "GET" ? sim::vonage::query_payload(*parse_form(r.query())) : r.body;
    auto auth = sim::vonage::webhook_authorization(secret, "abcd1234", "app", payload, how);
    if (!auth.empty()) r.headers.emplace_back("authorization", auth);
  }
  public_base base{"https://gw.example.test", "wss://gw.example.test", "test"};
  std::unique_ptr<providers::set> set_;
};

}  // namespace

TEST_F(VonageProvider, DeclaresItsRoutesTraitsAndSettings) {
  const auto& p = make();
  EXPECT_EQ(p.webhook_path(), "/vonage/voice");
  EXPECT_EQ(p.webhook_methods(), (std::vector<std::string_view>{"GET", "POST"}));
  EXPECT_EQ(p.events_path(), "/vonage/events");
  EXPECT_EQ(p.media_path(), "/vonage/media");
  EXPECT_EQ(p.traits().media_frame_ms, 20u);
  EXPECT_TRUE(p.traits().close_is_hangup);
  EXPECT_FALSE(p.traits().token_in_start);
  EXPECT_EQ(p.traits().dtmf, providers::dtmf_source::media_socket);
  EXPECT_FALSE(p.warnings().empty());  // no signature secret: a loud warning
  EXPECT_FALSE(p.hangup(uuid));        // no application key: no REST hang-up
  std::map<std::string, const setting*> by_name;
  for (const auto& s : providers::settings()) by_name[s.name] = &s;
  ASSERT_TRUE(by_name.count("VONAGE_SIGNATURE_SECRET"));
  EXPECT_TRUE(by_name["VONAGE_SIGNATURE_SECRET"]->secret);
  EXPECT_FALSE(by_name["VONAGE_AUDIO_RATE"]->check("16000"));
  EXPECT_TRUE(by_name["VONAGE_AUDIO_RATE"]->check("44100"));
  EXPECT_TRUE(by_name["VONAGE_PRIVATE_KEY_PATH"]->check("/nonexistent/key.pem"));
  EXPECT_TRUE(by_name["VONAGE_API_URL"]->check("ftp://x"));
}

TEST_F(VonageProvider, AnnouncesACallFromTheSignedAnswerWebhookAndAdmitsItWithAnNcco) {
  const auto& p = make({{"VONAGE_SIGNATURE_SECRET", secret}});
  EXPECT_TRUE(p.warnings().empty());
  auto req = request("GET", "/vonage/voice?" + answer_query());
  sign(req);
  EXPECT_FALSE(p.verify(req, base, unix_now()));
  std::string why;
  auto hook = p.parse(req, base, &why);
  ASSERT_TRUE(hook) << why;
  auto* call = std::get_if<providers::new_call>(&*hook);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->call_id, uuid);
  EXPECT_EQ(call->from, "447700900000");
  EXPECT_EQ(call->media_format, codecs::audio_format::pcm16(16000));
  EXPECT_EQ(call->parameters, (param_list{{"businessId", "acme"}}));  // Vonage's own fields taken out
  auto answer = p.admit(*call, "tok.123.abc");
  EXPECT_EQ(answer.content_type, "application/json");
  rapidjson::Document d;
  d.Parse(answer.body.c_str());
  ASSERT_TRUE(d.IsArray()) << answer.body;
  EXPECT_STREQ(d[0]["endpoint"][0]["uri"].GetString(), "wss://gw.example.test/vonage/media/tok.123.abc");
  EXPECT_STREQ(d[0]["endpoint"][0]["headers"]["call_uuid"].GetString(), uuid.c_str());
  EXPECT_STREQ(d[0]["eventUrl"][0].GetString(), "https://gw.example.test/vonage/events");
  d.Parse(p.refuse(*call).body.c_str());
  EXPECT_STREQ(d[0]["action"].GetString(), "talk");
}

TEST_F(VonageProvider, UnsignedOrBadlySignedWebhooksAreRefused) {
  const auto& p = make({{"VONAGE_SIGNATURE_SECRET", secret}});
  using sim::vonage::signing;
  auto unsigned_ = request("GET", "/vonage/voice?" + answer_query());
  auto r = p.verify(unsigned_, base, unix_now());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);  // Vonage retries a 5xx: an unsigned callback is its own error
  EXPECT_EQ(r->label, "missing_signature");
  for (auto how : {signing::wrong_secret, signing::alg_none, signing::stale}) {
    auto req = request("GET", "/vonage/voice?" + answer_query());
    sign(req, how);
    r = p.verify(req, base, unix_now());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401u);
    EXPECT_EQ(r->label, "bad_signature");
  }
  auto req = request("GET", "/vonage/voice?" + answer_query());
  sign(req);
  req.target += "&extra=1";  // the query changed after signing
  EXPECT_TRUE(p.verify(req, base, unix_now()));
  // Without the secret, nothing is checked.
  EXPECT_FALSE(make().verify(unsigned_, base, unix_now()));
}

TEST_F(VonageProvider, EventWebhooksEndTheCallOrFailItsStream) {
  const auto& p = make({{"VONAGE_SIGNATURE_SECRET", secret}});
  auto event = [&](const std::string& body) {
    auto req = request("POST", "/vonage/events", body);
    sign(req);
    EXPECT_FALSE(p.verify(req, base, unix_now())) << body;
    std::string why;
    auto hook = p.parse(req, base, &why);
    EXPECT_TRUE(hook) << why;
    return hook.value_or(providers::webhook{});
  };
  auto hook = event(sim::vonage::event_json(uuid, uuid, "completed"));
  auto* ev = std::get_if<providers::call_event>(&hook);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, providers::event_kind::hangup);
  EXPECT_EQ(ev->call_id, uuid);
  EXPECT_EQ(ev->detail, "completed");
  EXPECT_EQ(ev->event_id, uuid + ":completed");
  hook = event(sim::vonage::event_json("ws-leg-1", uuid, "failed", "wss://gw/vonage/media/t",
                                       R"({"call_uuid":")" + uuid + "\"}"));
  ev = std::get_if<providers::call_event>(&hook);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, providers::event_kind::stream_failed);
  EXPECT_EQ(ev->call_id, uuid);
  for (const char* status : {"started", "ringing", "answered"})
    EXPECT_TRUE(std::holds_alternative<std::monostate>(event(sim::vonage::event_json(uuid, uuid, status)))) << status;
  // The websocket leg's own end (our socket closing) ends nothing more.
  EXPECT_TRUE(std::holds_alternative<std::monostate>(event(sim::vonage::event_json(
      "ws-leg-1", uuid, "disconnected", "wss://gw/vonage/media/t", R"({"call_uuid":")" + uuid + "\"}"))));
  std::string why;
  for (const char* bad : {"[1]", "not json", R"({"uuid":"a b","status":"completed"})"})
    EXPECT_FALSE(p.parse(request("POST", "/vonage/events", bad), base, &why)) << bad;
}

TEST_F(VonageProvider, TheMediaUpgradeCarriesTheTokenInItsPath) {
  const auto& p = make();
  auto ok = p.check_upgrade(request("GET", "/vonage/media/tok.1.abc"), base);
  ASSERT_TRUE(std::holds_alternative<std::string>(ok));
  EXPECT_EQ(std::get<std::string>(ok), "tok.1.abc");
  EXPECT_TRUE(std::holds_alternative<providers::refusal>(p.check_upgrade(request("GET", "/vonage/media/"), base)));
}

TEST_F(VonageProvider, HangsUpWithAPutSignedByTheApplicationsKey) {
  auto [priv, pub] = sim::vonage::generate_key_pair();
  auto path = ::testing::TempDir() + "vonage_test_key.pem";
  std::ofstream(path) << priv;
  const auto& p = make({{"VONAGE_APPLICATION_ID", "app-1"},
                        {"VONAGE_PRIVATE_KEY_PATH", path},
                        {"VONAGE_API_URL", "http://127.0.0.1:9/"}});
  auto r = p.hangup(uuid);
  std::remove(path.c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "PUT");
  EXPECT_EQ(r->url, "http://127.0.0.1:9/v1/calls/" + uuid);
  EXPECT_EQ(r->body, R"({"action":"hangup"})");
  std::string auth;
  for (const auto& [k, v] : r->headers)
    if (k == "authorization") auth = v;
  EXPECT_TRUE(sim::vonage::application_token_ok(pub, "app-1", auth, unix_now()));
  EXPECT_FALSE(p.hangup("../v1/calls"));  // never a path of our own making
  http_client_response res;
  res.status = 204;
  EXPECT_EQ(p.judge(uuid, "hangup", res), providers::rest_verdict::accepted);
  res.status = 404;
  EXPECT_EQ(p.judge(uuid, "hangup", res), providers::rest_verdict::call_gone);
  res.status = 401;
  EXPECT_EQ(p.judge(uuid, "hangup", res), providers::rest_verdict::key_refused);
}
