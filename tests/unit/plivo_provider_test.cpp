// Plivo as the registry makes it, without a socket: the answer webhook's signature over the public URL,
// the answer or the refusal, the media socket's token, the hang-up of one call.
#include <gtest/gtest.h>

#include "net/providers/plivo/signature.hpp"
#include "net/providers/registry.hpp"
#include "tools/sim/plivo_caller.hpp"

using namespace voxgate;
using namespace voxgate::net;
using namespace voxgate::net::plivo;
using namespace voxgate::sim::plivo;

namespace {

constexpr const char* token = "my_auth_token";
constexpr const char* uuid = "4vbcpem8-0u46-x1ha-9af1-438vc92bf374";
const public_base base{"https://gw.example.test", "wss://gw.example.test", "PUBLIC_URL"};

struct made {
  providers::set all;
  const providers::provider* p;
  explicit made(setting_values v) : all(v), p(all.find("plivo")) {}
};

setting_values configured() {
  return {{"PLIVO_AUTH_TOKEN", token},
          {"PLIVO_AUTH_ID", "MAXXXXXXXXXXXXXXXXXX"},
          {"PLIVO_API_BASE", "http://127.0.0.1:9/v1"}};
}

http_request answer_request(const std::string& target, const std::string& nonce, const std::string& signature) {
  http_request r;
  r.method = "POST";
  r.target = target;
  r.body = encode_form(answer_form(uuid));
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  if (!nonce.empty()) r.headers.emplace_back("x-plivo-signature-v3-nonce", nonce);
  if (!signature.empty()) r.headers.emplace_back("x-plivo-signature-v3", signature);
  return r;
}

}  // namespace

TEST(PlivoProvider, ChecksTheAnswerWebhooksSignatureOverThePublicUrl) {
  made m(configured());
  ASSERT_NE(m.p, nullptr);
  const std::string target = "/plivo/voice?businessId=acme";
  auto good = compute_signature(token, "POST", base.http + target, answer_form(uuid), "12345");
  EXPECT_FALSE(m.p->verify(answer_request(target, "12345", good), base, 0));
  // Ma-V3 (the main account's token) passes alone too.
  auto ma = answer_request(target, "12345", "");
  ma.headers.emplace_back("x-plivo-signature-ma-v3", good);
  EXPECT_FALSE(m.p->verify(ma, base, 0));

  auto tampered = answer_request(target, "12345", good);
  tampered.body += "&Digits=1";
  auto refused = m.p->verify(tampered, base, 0);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403u);
  EXPECT_EQ(refused->label, "bad_signature");
  EXPECT_NE(refused->reason.find("url_checked=https://gw.example.test/plivo/voice?businessId=acme"), std::string::npos);
  EXPECT_EQ(m.p->verify(answer_request(target, "12346", good), base, 0)->label, "bad_signature");
  EXPECT_EQ(m.p->verify(answer_request(target, "", good), base, 0)->label, "missing_signature");
  EXPECT_EQ(m.p->verify(answer_request(target, "12345", ""), base, 0)->label, "missing_signature");
  for (const auto& label : {"bad_signature", "missing_signature"}) {
    auto results = m.p->webhook_results();
    EXPECT_NE(std::find(results.begin(), results.end(), label), results.end()) << label;
  }
}

TEST(PlivoProvider, WithoutItsTokenSignaturesAreNotCheckedAndItSaysSoLoudly) {
  made m({});
  EXPECT_FALSE(m.p->verify(answer_request("/plivo/voice", "", ""), base, 0));
  ASSERT_EQ(m.p->warnings().size(), 1u);
  EXPECT_NE(m.p->warnings()[0].find("PLIVO_AUTH_TOKEN is not set"), std::string::npos);
  EXPECT_FALSE(m.p->hangup(uuid));  // no credentials, no REST
  EXPECT_TRUE(made(configured()).p->warnings().empty());
}

TEST(PlivoProvider, ANewCallIsAnsweredWithItsStreamOrTurnedAway) {
  made m(configured());
  http_request req = answer_request("/plivo/voice?businessId=acme", "", "");
  std::string why;
  auto hook = m.p->parse(req, base, &why);
  ASSERT_TRUE(hook) << why;
  auto* call = std::get_if<providers::new_call>(&*hook);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->call_id, uuid);
  EXPECT_EQ(call->from, "14155550100");
  EXPECT_EQ(call->media_url, "wss://gw.example.test/plivo/media/");
  EXPECT_EQ(*find_param(call->parameters, "businessId"), "acme");
  EXPECT_EQ(call->media_format, codecs::audio_format::g711_ulaw());

  auto answer = m.p->admit(*call, "tok.1.ab");
  EXPECT_EQ(answer.status, 200u);
  EXPECT_NE(answer.content_type.find("text/xml"), std::string::npos);
  EXPECT_EQ(parse_stream_instruction(answer.body)->url, "wss://gw.example.test/plivo/media/tok.1.ab");
  auto refusal = m.p->refuse(*call);
  EXPECT_NE(refusal.body.find("<Speak>"), std::string::npos);
  EXPECT_NE(refusal.body.find("<Hangup/>"), std::string::npos);
  EXPECT_FALSE(parse_stream_instruction(refusal.body));

  req.body = "From=1";
  EXPECT_FALSE(m.p->parse(req, base, &why));
  EXPECT_EQ(why, "missing or malformed CallUUID");
  req.body = "CallUUID=" + std::string(uuid) + "&CallStatus=completed&HangupCause=NORMAL_CLEARING";
  auto ended = m.p->parse(req, base, &why);
  auto* event = std::get_if<providers::call_event>(&*ended);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->kind, providers::event_kind::hangup);
  EXPECT_EQ(event->call_id, uuid);
  EXPECT_EQ(event->detail, "NORMAL_CLEARING");
}

TEST(PlivoProvider, TheMediaSocketsTokenIsItsPath) {
  made m(configured());
  EXPECT_EQ(m.p->media_path(), "/plivo/media");
  EXPECT_FALSE(m.p->traits().token_in_start);
  EXPECT_FALSE(m.p->traits().reorders_media);
  EXPECT_EQ(m.p->traits().dtmf, providers::dtmf_source::media_socket);
  http_request req;
  req.method = "GET";
  req.target = "/plivo/media/tok.1.ab";
  auto token_or = m.p->check_upgrade(req, base);
  ASSERT_TRUE(std::holds_alternative<std::string>(token_or));
  EXPECT_EQ(std::get<std::string>(token_or), "tok.1.ab");
  // An unverifiable upgrade signature does not refuse: the token is the check.
  req.headers = {{"x-plivo-signature-v3", "bm90IGEgc2lnbmF0dXJl"}, {"x-plivo-signature-v3-nonce", "1"}};
  EXPECT_TRUE(std::holds_alternative<std::string>(m.p->check_upgrade(req, base)));
  req.target = "/plivo/media/";
  auto refused = m.p->check_upgrade(req, base);
  ASSERT_TRUE(std::holds_alternative<providers::refusal>(refused));
  EXPECT_EQ(std::get<providers::refusal>(refused).label, "missing_token");
  EXPECT_EQ(m.p->upgrade_refusals(), std::vector<std::string>{"missing_token"});
}

TEST(PlivoProvider, HangsUpOneCallAndNeverAllOfThem) {
  made m(configured());
  auto r = m.p->hangup(uuid);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "DELETE");
  EXPECT_EQ(r->url, "http://127.0.0.1:9/v1/Account/MAXXXXXXXXXXXXXXXXXX/Call/" + std::string(uuid) + "/");
  EXPECT_FALSE(m.p->hangup(""));
  EXPECT_FALSE(m.p->hangup("../"));
}
