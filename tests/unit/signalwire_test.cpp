// SignalWire (cXML) behind the provider interface, as the registry makes it: the signature (SignalWire's
// SDK vectors, its header and the X-Twilio-Signature alias), UUID call ids and the cXML answer.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>

#include "codecs/base64.hpp"
#include "net/providers/registry.hpp"
#include "net/providers/signalwire/rest.hpp"
#include "net/providers/signalwire/signature.hpp"
#include "net/providers/signalwire/webhook.hpp"
#include "tools/sim/signalwire_caller.hpp"
#include "tools/sim/twilio_caller.hpp"
#include "tests/unit/signalwire_requests.hpp"

using namespace voxgate::net;
namespace sim = voxgate::sim;
using voxgate::net::providers::call_event;
using voxgate::net::providers::event_kind;
using voxgate::net::providers::new_call;
using namespace voxgate::net::signalwire_testing;

// ---- the signature ----

TEST(SignalWireSignature, MatchesSignalWiresSdkVectorUnderEitherHeader) {
  // The canonical form vector of SignalWire's Python and C++ SDK tests (Twilio's own).
  param_list form = {{"CallSid", "CA1234567890ABCDE"},
                     {"Caller", "+14158675309"},
                     {"Digits", "1234"},
                     {"From", "+14158675309"},
                     {"To", "+18005551212"}};
  const char* url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  for (const char* header : {"X-SignalWire-Signature", "X-Twilio-Signature"}) {
    header_list h = {{header, "RSOYDt4T1cUTdK1PDd93/VVr8B8="}};
    EXPECT_EQ(signalwire::verify_signature("12345", url, form, h), signalwire::signature_check::ok) << header;
    EXPECT_EQ(signalwire::verify_signature("54321", url, form, h), signalwire::signature_check::bad_signature);
  }
  EXPECT_EQ(signalwire::verify_signature("12345", url, form, {}), signalwire::signature_check::missing_signature);
  // A wrong X-SignalWire-Signature does not hide a right alias, nor the other way round.
  header_list both = {{"x-signalwire-signature", "AAAA"}, {"x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="}};
  EXPECT_EQ(signalwire::verify_signature("12345", url, form, both), signalwire::signature_check::ok);
}

TEST(SignalWireSignature, TheProviderChecksTheSignalWireShapedVectorWithAndWithoutPort) {
  made m(all_settings());
  ASSERT_NE(m.p, nullptr);
  auto signed_with = [&](const char* sig) {
    return post("/signalwire/voice", shaped_form(), {{"x-signalwire-signature", sig}});
  };
  EXPECT_FALSE(m.p->verify(signed_with("qNvBh5UbTO14f2A/VtpWIWLRr0c="), base, 0));
  EXPECT_FALSE(m.p->verify(signed_with("CCkAdp9CCjis9UL4fWJf2VAVG2o="), base, 0));  // over https://…:443/…

  auto bad = m.p->verify(signed_with("qNvBh5UbTO14f2A/VtpWIWLRr0d="), base, 0);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403u);
  EXPECT_EQ(bad->label, "bad_signature");
  EXPECT_NE(bad->reason.find("https://gw.example.com/signalwire/voice"), std::string::npos);
  auto none = m.p->verify(post("/signalwire/voice", shaped_form()), base, 0);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->label, "missing_signature");
  // The URL signed is the one requested, query included.
  EXPECT_TRUE(m.p->verify(post("/signalwire/voice?businessId=acme", shaped_form(),
                               {{"x-signalwire-signature", "qNvBh5UbTO14f2A/VtpWIWLRr0c="}}),
                          base, 0));
  // Any altered field fails.
  auto altered = shaped_form();
  altered[5].second = "+15551234568";
  EXPECT_TRUE(m.p->verify(
      post("/signalwire/voice", altered, {{"x-signalwire-signature", "qNvBh5UbTO14f2A/VtpWIWLRr0c="}}), base, 0));
}

TEST(SignalWireSignature, WithoutASigningKeyEverythingPassesAndTheGatewaySaysSoLoudly) {
  made m(setting_values{});
  EXPECT_FALSE(m.p->verify(post("/signalwire/voice", shaped_form()), base, 0));
  auto w = m.p->warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("SIGNALWIRE_SIGNING_KEY is not set"), std::string::npos);
  EXPECT_NE(w[0].find("NOT verified"), std::string::npos);
  EXPECT_TRUE(made(all_settings()).p->warnings().empty());
}

// ---- the webhook ----

TEST(SignalWireWebhook, AnnouncesACallWithItsUuidAndTheUrlsQueryParameters) {
  made m(all_settings());
  std::string why;
  auto hook = parse(*m.p, post("/signalwire/voice?businessId=acme", shaped_form()), &why);
  ASSERT_TRUE(hook) << why;
  auto* call = std::get_if<new_call>(&*hook);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->call_id, call_sid);
  EXPECT_EQ(call->from, "+15551234567");
  EXPECT_EQ(call->to, "+18005559876");
  EXPECT_EQ(call->media_url, "wss://gw.example.com/signalwire/media/");
  EXPECT_EQ(call->media_format, voxgate::codecs::audio_format::g711_ulaw());
  ASSERT_EQ(call->parameters.size(), 1u);
  EXPECT_EQ(call->parameters[0], (std::pair<std::string, std::string>{"businessId", "acme"}));
}

TEST(SignalWireWebhook, TakesAnySafeBoundedIdAndRefusesTheRest) {
  EXPECT_TRUE(signalwire::is_call_id(call_sid));
  EXPECT_TRUE(signalwire::is_call_id("CA0123456789abcdef0123456789abcdef"));  // no prefix is assumed either way
  EXPECT_TRUE(signalwire::is_call_id(std::string(64, 'a')));
  EXPECT_FALSE(signalwire::is_call_id(std::string(65, 'a')));
  EXPECT_FALSE(signalwire::is_call_id(""));
  for (const char* bad : {"a b", "a/b", "a%2Fb", "a\"b", "a<b", "a\nb", "a:b", "é"})
    EXPECT_FALSE(signalwire::is_call_id(bad)) << bad;

  made m(all_settings());
  std::string why;
  auto form = shaped_form();
  form[2].second = "../../etc";
  EXPECT_FALSE(parse(*m.p, post("/signalwire/voice", form), &why));
  EXPECT_EQ(why, "malformed CallSid");
  form.erase(form.begin() + 2);
  EXPECT_FALSE(parse(*m.p, post("/signalwire/voice", form), &why));
  EXPECT_EQ(why, "missing CallSid");
  http_request garbage = post("/signalwire/voice", {});
  garbage.body = "CallSid=%zz";
  EXPECT_FALSE(parse(*m.p, garbage, &why));
  EXPECT_EQ(why, "malformed form body");
}

TEST(SignalWireWebhook, AFinishedCallsStatusIsAHangupNotANewCall) {
  made m(all_settings());
  for (const char* status : {"completed", "canceled", "failed", "busy", "no-answer"}) {
    auto form = shaped_form();
    form[3].second = status;
    auto hook = parse(*m.p, post("/signalwire/voice", form));
    ASSERT_TRUE(hook) << status;
    auto* ev = std::get_if<call_event>(&*hook);
    ASSERT_NE(ev, nullptr) << status;
    EXPECT_EQ(ev->kind, event_kind::hangup);
    EXPECT_EQ(ev->call_id, call_sid);
    EXPECT_EQ(ev->detail, status);
    EXPECT_EQ(ev->event_id, std::string(call_sid) + "/" + status);
  }
  for (const char* status : {"ringing", "in-progress", "queued", ""}) {
    auto form = shaped_form();
    form[3].second = status;
    auto hook = parse(*m.p, post("/signalwire/voice", form));
    ASSERT_TRUE(hook && std::holds_alternative<new_call>(*hook)) << status;
  }
}

TEST(SignalWireWebhook, TheStreamsStatusCallbackBecomesStreamEvents) {
  made m(all_settings());
  EXPECT_EQ(m.p->events_path(), "/signalwire/stream-status");
  auto status = [&](const char* event, const char* error = "") {
    return parse(*m.p,
                 post("/signalwire/stream-status",
                      sim::signalwire::stream_status_form(call_sid, "7d56cc11-536d-4a45-b4fb-ed3d55be843b", event, error)));
  };
  auto started = status("stream-started");
  ASSERT_TRUE(started && std::holds_alternative<call_event>(*started));
  EXPECT_EQ(std::get<call_event>(*started).kind, event_kind::stream_started);
  auto stopped = status("stream-stopped");
  EXPECT_EQ(std::get<call_event>(*stopped).kind, event_kind::stream_stopped);
  auto failed = status("stream-error", "connection_refused");
  ASSERT_TRUE(failed && std::holds_alternative<call_event>(*failed));
  const auto& ev = std::get<call_event>(*failed);
  EXPECT_EQ(ev.kind, event_kind::stream_failed);
  EXPECT_EQ(ev.call_id, call_sid);
  EXPECT_EQ(ev.detail, "connection_refused");
  EXPECT_EQ(ev.event_id, std::string(call_sid) + "/7d56cc11-536d-4a45-b4fb-ed3d55be843b/stream-error");
  // Anything else is acknowledged, never a new call.
  auto odd = status("stream-paused");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*odd));
  auto bare = parse(*m.p, post("/signalwire/stream-status", shaped_form()));
  ASSERT_TRUE(bare);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*bare));
}

// ---- the answer ----

TEST(SignalWireAnswer, ConnectsTheStreamWithTheTokenInPathAndParameters) {
  made m(all_settings());
  auto hook = parse(*m.p, post("/signalwire/voice?businessId=acme&token=forged", shaped_form()));
  auto call = std::get<new_call>(*hook);
  auto res = m.p->admit(call, "tok.123.abc");
  EXPECT_NE(res.content_type.find("text/xml"), std::string::npos);
  EXPECT_EQ(res.body.rfind(R"(<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url=")", 0), 0u)
      << res.body;
  auto stream = sim::twilio::parse_stream_instruction(res.body);
  ASSERT_TRUE(stream) << res.body;
  EXPECT_EQ(stream->url, "wss://gw.example.com/signalwire/media/tok.123.abc");
  EXPECT_EQ(stream->url.find('?'), std::string::npos);
  ASSERT_NE(find_param(stream->parameters, "callSid"), nullptr);
  EXPECT_EQ(*find_param(stream->parameters, "callSid"), call_sid);
  EXPECT_EQ(*find_param(stream->parameters, "token"), "tok.123.abc");  // the query's "token" cannot forge it
  EXPECT_EQ(*find_param(stream->parameters, "businessId"), "acme");
  EXPECT_EQ(std::count_if(stream->parameters.begin(), stream->parameters.end(),
                          [](const auto& p) { return p.first == "token"; }),
            1);
  EXPECT_NE(res.body.find(R"(statusCallback="https://gw.example.com/signalwire/stream-status")"), std::string::npos)
      << res.body;
  // No codec attribute: SignalWire's default, PCMU at 8 kHz, which the Twilio codec reads.
  EXPECT_EQ(res.body.find("codec="), std::string::npos);

  auto no = m.p->refuse(call);
  EXPECT_NE(no.content_type.find("text/xml"), std::string::npos);
  EXPECT_NE(no.body.find("<Say>"), std::string::npos);
  EXPECT_NE(no.body.find("<Hangup/></Response>"), std::string::npos);
  EXPECT_FALSE(sim::twilio::parse_stream_instruction(no.body));
}

TEST(SignalWireAnswer, TheStatusCallbackFollowsAPublicUrlWithAPrefixOrPlainHttp) {
  made m(all_settings());
  const public_base prefixed{"http://localhost:8080/voice", "ws://localhost:8080/voice", ""};
  auto hook = m.p->parse(post("/signalwire/voice", shaped_form()), prefixed, nullptr);
  auto res = m.p->admit(std::get<new_call>(*hook), "t");
  EXPECT_NE(res.body.find(R"(url="ws://localhost:8080/voice/signalwire/media/t")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find(R"(statusCallback="http://localhost:8080/voice/signalwire/stream-status")"),
            std::string::npos)
      << res.body;
}
