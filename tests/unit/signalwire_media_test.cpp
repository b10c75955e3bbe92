// SignalWire's media socket, REST hang-up, settings and simulated side: the frames SignalWire documents
// read through the Twilio codec it shares, the hang-up request, the start-up words, the sim's shapes.
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

// ---- the media socket ----

TEST(SignalWireMedia, TheUpgradeIsUnsignedAndNamesItsTokenInThePath) {
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

TEST(SignalWireMedia, ReadsTheFramesSignalWireDocuments) {
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
TEST(SignalWireMedia, AStartInAnotherCodecIsRefusedNotMisread) {
  made m(all_settings());
  std::string start =
      R"({"event":"start","sequenceNumber":"1","start":{"streamSid":"s","callSid":"c","tracks":["inbound"],)"
      R"("mediaFormat":{"encoding":"audio/x-L16","sampleRate":16000,"channels":1}}})";
  media_event ev;
  EXPECT_NE(m.p->media().parse(start, ev), "");
}

TEST(SignalWireMedia, SendsMediaMarkAndClearNamingTheStream) {
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

TEST(SignalWireRest, HangsUpWithStatusCompletedAndBasicAuth) {
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

TEST(SignalWireRest, NoHangupWithoutAllThreeSettingsAndAWordWhenSomeAreMissing) {
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

TEST(SignalWireSettings, AreDeclaredWithTheirSecrets) {
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

TEST(SignalWireCaller, BuildsSignalWiresShapesAndTheyReadBack) {
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
