// SignalWire (cXML) behind the provider interface, as the registry makes it: the signature (SignalWire's
// SDK vectors, its header and the X-Twilio-Signature alias), UUID call ids, the cXML answer, the frames
// SignalWire documents read through the Twilio codec it shares, the REST hang-up, the start-up words.
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

using namespace voxgate::net;
namespace sim = voxgate::sim;
using voxgate::net::providers::call_event;
using voxgate::net::providers::event_kind;
using voxgate::net::providers::new_call;

namespace {

constexpr const char* key = "PSKtest1234567890abcdef";
constexpr const char* call_sid = "76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad";
const public_base base{"https://gw.example.com", "wss://gw.example.com", ""};

// docs/providers/signalwire.md §2, the SignalWire-shaped vector (checked with openssl).
param_list shaped_form() {
  return {{"AccountSid", "b3877c40-da60-4998-90ad-b792e98472af"},
          {"ApiVersion", "2010-04-01"},
          {"CallSid", call_sid},
          {"CallStatus", "ringing"},
          {"Direction", "inbound"},
          {"From", "+15551234567"},
          {"To", "+18005559876"}};
}

struct made {
  explicit made(setting_values v) : set(v), p(set.find("signalwire")) {}
  providers::set set;
  const providers::provider* p;
};

setting_values all_settings() {
  return {{"SIGNALWIRE_SIGNING_KEY", key},
          {"SIGNALWIRE_SPACE_URL", "https://example.signalwire.com"},
          {"SIGNALWIRE_PROJECT_ID", "b3877c40-da60-4998-90ad-b792e98472af"},
          {"SIGNALWIRE_API_TOKEN", "PTsecret"}};
}

http_request post(std::string target, const param_list& form, header_list headers = {}) {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.body = encode_form(form);
  return r;
}

std::optional<providers::webhook> parse(const providers::provider& p, const http_request& req,
                                        std::string* why = nullptr) {
  return p.parse(req, base, why);
}

}  // namespace

// ---- the signature ----

TEST(signalwireSignature, MatchesSignalWiresSdkVectorUnderEitherHeader) {
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

TEST(signalwireSignature, TheProviderChecksTheSignalWireShapedVectorWithAndWithoutPort) {
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

TEST(signalwireSignature, WithoutASigningKeyEverythingPassesAndTheGatewaySaysSoLoudly) {
  made m(setting_values{});
  EXPECT_FALSE(m.p->verify(post("/signalwire/voice", shaped_form()), base, 0));
  auto w = m.p->warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("SIGNALWIRE_SIGNING_KEY is not set"), std::string::npos);
  EXPECT_NE(w[0].find("NOT verified"), std::string::npos);
  EXPECT_TRUE(made(all_settings()).p->warnings().empty());
}

// ---- the webhook ----

TEST(signalwireWebhook, AnnouncesACallWithItsUuidAndTheUrlsQueryParameters) {
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

TEST(signalwireWebhook, TakesAnySafeBoundedIdAndRefusesTheRest) {
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

TEST(signalwireWebhook, AFinishedCallsStatusIsAHangupNotANewCall) {
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

TEST(signalwireWebhook, TheStreamsStatusCallbackBecomesStreamEvents) {
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

TEST(signalwireAnswer, ConnectsTheStreamWithTheTokenInPathAndParameters) {
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

TEST(signalwireAnswer, TheStatusCallbackFollowsAPublicUrlWithAPrefixOrPlainHttp) {
  made m(all_settings());
  const public_base prefixed{"http://localhost:8080/voice", "ws://localhost:8080/voice", ""};
  auto hook = m.p->parse(post("/signalwire/voice", shaped_form()), prefixed, nullptr);
  auto res = m.p->admit(std::get<new_call>(*hook), "t");
  EXPECT_NE(res.body.find(R"(url="ws://localhost:8080/voice/signalwire/media/t")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find(R"(statusCallback="http://localhost:8080/voice/signalwire/stream-status")"),
            std::string::npos)
      << res.body;
}

// ---- the media socket ----

TEST(signalwireMedia, TheUpgradeIsUnsignedAndNamesItsTokenInThePath) {
  made m(all_settings());
  EXPECT_EQ(m.p->media_path(), "/signalwire/media");
  EXPECT_TRUE(m.p->traits().token_in_start);
  EXPECT_FALSE(m.p->traits().reorders_media);
  EXPECT_EQ(m.p->traits().dtmf, providers::dtmf_source::media_socket);
  http_request up;
  up.method = "GET";
  up.target = "/signalwire/media/tok.1.abc";
  auto checked = m.p->check_upgrade(up, base);
  ASSERT_TRUE(std::holds_alternative<std::string>(checked));
  EXPECT_EQ(std::get<std::string>(checked), "tok.1.abc");
  up.target = "/signalwire/media";
  checked = m.p->check_upgrade(up, base);
  ASSERT_TRUE(std::holds_alternative<std::string>(checked));
  EXPECT_EQ(std::get<std::string>(checked), "");  // the start's <Parameter> must then carry it
}

TEST(signalwireMedia, ReadsTheFramesSignalWireDocuments) {
  made m(all_settings());
  const auto& d = m.p->media();
  media_event ev;
  // Verbatim shapes from SignalWire's <Stream> reference (docs/providers/signalwire.md §3).
  std::string connected = R"({"event":"connected","protocol":"Call","version":"0.2.0"})";
  ASSERT_EQ(d.parse(connected, ev), "");
  EXPECT_EQ(ev.kind, media_kind::connected);

  std::string start =
      R"({"event":"start","sequenceNumber":"1","start":{"streamSid":"7d56cc11-536d-4a45-b4fb-ed3d55be843b",)"
      R"("accountSid":"b08dacad-0000-4000-8000-000000000000","callSid":"76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad",)"
      R"("tracks":["inbound"],"customParameters":{"token":"t.1.x","callSid":"76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad"},)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})";
  ASSERT_EQ(d.parse(start, ev), "");
  ASSERT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.start->stream_id, "7d56cc11-536d-4a45-b4fb-ed3d55be843b");  // no top-level streamSid
  EXPECT_EQ(ev.start->call_id, call_sid);
  EXPECT_EQ(ev.start->format, voxgate::codecs::audio_format::g711_ulaw());
  EXPECT_EQ(*find_param(ev.start->custom_parameters, "token"), "t.1.x");
  EXPECT_EQ(ev.sequence, 1u);

  // customParameters "only present when defined": missing is empty, not an error.
  std::string bare_start =
      R"({"event":"start","sequenceNumber":"1","start":{"streamSid":"s-1","callSid":"c-1","tracks":["inbound"]}})";
  ASSERT_EQ(d.parse(bare_start, ev), "");
  EXPECT_TRUE(ev.start->custom_parameters.empty());

  std::string media =
      R"({"event":"media","sequenceNumber":"42","media":{"track":"inbound","chunk":"3","timestamp":"40","payload":"AAEC"}})";
  ASSERT_EQ(d.parse(media, ev), "");
  EXPECT_EQ(ev.kind, media_kind::media);
  EXPECT_EQ(ev.payload, "AAEC");
  EXPECT_EQ(ev.sequence, 42u);
  EXPECT_EQ(ev.chunk, 3u);
  EXPECT_EQ(ev.timestamp_ms, 40u);

  std::string dtmf =
      R"({"event":"dtmf","sequenceNumber":"123","streamSid":"7d56","dtmf":{"digit":"5","duration":2000}})";
  ASSERT_EQ(d.parse(dtmf, ev), "");
  EXPECT_EQ(ev.kind, media_kind::dtmf);
  EXPECT_EQ(ev.text, "5");
  for (const char* digit : {"*", "#", "A", "D"}) {
    auto f = sim::signalwire::dtmf_message("s", 5, digit);
    ASSERT_EQ(d.parse(f, ev), "");
    EXPECT_EQ(ev.text, digit);
  }

  std::string mark = R"({"event":"mark","streamSid":"7d56","mark":{"name":"resp-42"}})";
  ASSERT_EQ(d.parse(mark, ev), "");
  EXPECT_EQ(ev.kind, media_kind::mark);
  EXPECT_EQ(ev.text, "resp-42");

  std::string stop = R"({"event":"stop","sequenceNumber":"999"})";  // no body, no streamSid
  ASSERT_EQ(d.parse(stop, ev), "");
  EXPECT_EQ(ev.kind, media_kind::stop);
  EXPECT_EQ(ev.sequence, 999u);
}

// The gateway never asks for L16 (no codec attribute), so a start that announces it is refused, not
// misread as μ-law: asking for codec="L16@16000h" would take a dialect that reads it.
TEST(signalwireMedia, AStartInAnotherCodecIsRefusedNotMisread) {
  made m(all_settings());
  std::string start =
      R"({"event":"start","sequenceNumber":"1","start":{"streamSid":"s","callSid":"c","tracks":["inbound"],)"
      R"("mediaFormat":{"encoding":"audio/x-L16","sampleRate":16000,"channels":1}}})";
  media_event ev;
  EXPECT_NE(m.p->media().parse(start, ev), "");
}

TEST(signalwireMedia, SendsMediaMarkAndClearNamingTheStream) {
  made m(all_settings());
  const auto& d = m.p->media();
  const std::string sid = "7d56cc11-536d-4a45-b4fb-ed3d55be843b";
  std::string out;
  const std::uint8_t audio[] = {0xff, 0x7f, 0x00};
  d.build_media(sid, audio, out);
  rapidjson::Document doc;
  doc.Parse(out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << out;
  EXPECT_STREQ(doc["event"].GetString(), "media");
  EXPECT_EQ(doc["streamSid"].GetString(), sid);
  EXPECT_EQ(*voxgate::codecs::base64::decode(doc["media"]["payload"].GetString()), std::string("\xff\x7f\x00", 3));
  doc.Parse(d.build_mark(sid, "resp-42").c_str());
  EXPECT_STREQ(doc["event"].GetString(), "mark");
  EXPECT_EQ(doc["streamSid"].GetString(), sid);
  EXPECT_STREQ(doc["mark"]["name"].GetString(), "resp-42");
  doc.Parse(d.build_clear(sid).c_str());
  EXPECT_STREQ(doc["event"].GetString(), "clear");
  EXPECT_EQ(doc["streamSid"].GetString(), sid);
}

// ---- REST ----

TEST(signalwireRest, HangsUpWithStatusCompletedAndBasicAuth) {
  made m(all_settings());
  auto req = m.p->hangup(call_sid);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url,
            "https://example.signalwire.com/api/laml/2010-04-01/Accounts/b3877c40-da60-4998-90ad-b792e98472af/Calls/" +
                std::string(call_sid));
  EXPECT_EQ(req->body, "Status=completed");
  EXPECT_EQ(header_or(req->headers, "authorization"),
            "Basic " + voxgate::codecs::base64::encode("b3877c40-da60-4998-90ad-b792e98472af:PTsecret"));
  EXPECT_EQ(header_or(req->headers, "content-type"), "application/x-www-form-urlencoded");

  EXPECT_EQ(signalwire::api_base("https://x.signalwire.com/"), "https://x.signalwire.com/api/laml/2010-04-01");
  EXPECT_EQ(signalwire::api_base("https://x.signalwire.com/api/laml/2010-04-01/"),
            "https://x.signalwire.com/api/laml/2010-04-01");
  EXPECT_EQ(signalwire::api_base("http://127.0.0.1:9"), "http://127.0.0.1:9/api/laml/2010-04-01");
}

TEST(signalwireRest, NoHangupWithoutAllThreeSettingsAndAWordWhenSomeAreMissing) {
  for (const char* dropped : {"SIGNALWIRE_SPACE_URL", "SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN"}) {
    auto v = all_settings();
    v.erase(dropped);
    made m(v);
    EXPECT_FALSE(m.p->hangup(call_sid)) << dropped;
    auto w = m.p->warnings();
    ASSERT_EQ(w.size(), 1u) << dropped;
    EXPECT_NE(w[0].find(dropped), std::string::npos) << w[0];
  }
  made none(setting_values{{"SIGNALWIRE_SIGNING_KEY", key}});
  EXPECT_FALSE(none.p->hangup(call_sid));
  EXPECT_TRUE(none.p->warnings().empty());  // REST not configured at all: nothing half-done to warn of
}

TEST(signalwireSettings, AreDeclaredWithTheirSecrets) {
  const providers::descriptor* d = nullptr;
  for (const auto& x : providers::descriptors())
    if (x.name == "signalwire") d = &x;
  ASSERT_NE(d, nullptr);
  std::vector<std::string> names;
  for (const auto& s : d->settings) {
    names.push_back(s.name);
    EXPECT_EQ(s.secret, s.name == "SIGNALWIRE_SIGNING_KEY" || s.name == "SIGNALWIRE_API_TOKEN") << s.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"SIGNALWIRE_SIGNING_KEY", "SIGNALWIRE_SPACE_URL", "SIGNALWIRE_PROJECT_ID",
                                             "SIGNALWIRE_API_TOKEN"}));
  for (const auto& s : d->settings)
    if (s.name == "SIGNALWIRE_SPACE_URL") {
      EXPECT_FALSE(s.check("https://example.signalwire.com"));
      EXPECT_FALSE(s.check("http://127.0.0.1:8089"));
      EXPECT_TRUE(s.check("example.signalwire.com"));
      EXPECT_TRUE(s.check("wss://example.signalwire.com"));
    }
  made m(all_settings());
  auto lines = m.p->endpoints(base);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("https://gw.example.com/signalwire/voice"), std::string::npos);
  EXPECT_NE(lines[1].find("wss://gw.example.com/signalwire/media/<per-call token>"), std::string::npos);
}

// ---- the simulated side ----

TEST(signalwireCaller, BuildsSignalWiresShapesAndTheyReadBack) {
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  auto a = sim::signalwire::random_uuid();
  EXPECT_TRUE(std::regex_match(a, uuid)) << a;
  EXPECT_NE(a, sim::signalwire::random_uuid());
  EXPECT_TRUE(signalwire::is_call_id(a));

  made m(all_settings());
  const auto& d = m.p->media();
  media_event ev;
  auto start = sim::signalwire::start_message("s-1", a, {{"token", "t"}, {"businessId", "acme"}});
  EXPECT_EQ(start.find(R"(},"streamSid")"), std::string::npos);  // none at the top
  ASSERT_EQ(d.parse(start, ev), "");
  EXPECT_EQ(ev.start->stream_id, "s-1");
  EXPECT_EQ(ev.start->call_id, a);
  EXPECT_EQ(*find_param(ev.start->custom_parameters, "businessId"), "acme");
  auto media = sim::signalwire::media_message(7, 3, std::string(160, '\x55'));
  EXPECT_EQ(media.find("streamSid"), std::string::npos);
  EXPECT_NE(media.find(R"("chunk":"3","timestamp":"40")"), std::string::npos) << media;
  ASSERT_EQ(d.parse(media, ev), "");
  EXPECT_EQ(*voxgate::codecs::base64::decode(ev.payload), std::string(160, '\x55'));
  auto stop = sim::signalwire::stop_message(9);
  EXPECT_EQ(stop, R"({"event":"stop","sequenceNumber":"9"})");
  ASSERT_EQ(d.parse(stop, ev), "");
  EXPECT_EQ(ev.kind, media_kind::stop);
  auto connected = sim::signalwire::connected_message();
  EXPECT_NE(connected.find(R"("version":"0.2.0")"), std::string::npos);

  auto form = sim::signalwire::voice_webhook_form(a);
  std::string why;
  auto hook = signalwire::parse_voice_webhook(encode_form(form), &why);
  ASSERT_TRUE(hook) << why;
  EXPECT_EQ(hook->call_sid, a);
  EXPECT_EQ(hook->call_status, "ringing");
  EXPECT_EQ(hook->account_sid, sim::signalwire::simulated_project_id);
}
