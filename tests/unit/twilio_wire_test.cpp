// Literal wire texts copied from Twilio's documentation (../shared/reference/), checked against the
// gateway's own parsers and builders. The fakes are built on those same parsers and builders, so a
// misread field would pass there on both sides; these tests do not: inputs are literals, expected
// outputs are literals read with plain RapidJSON (tests/unit/wire_literals).
// Kinds already held to a documented literal in twilio_media_test.cpp are not repeated here.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/headers.hpp"
#include "net/providers/media_dialect.hpp"
#include "net/providers/twilio/media.hpp"
#include "net/providers/twilio/rest.hpp"
#include "net/providers/twilio/twiml.hpp"
#include "net/providers/twilio/webhook.hpp"
#include "tests/unit/wire_literals.hpp"

namespace voxgate::net {
namespace {

using testing::documented_audio;
using testing::json_difference;
using testing::xml_outline;


// ---------------------------------------------------------------------------------------------
// Twilio

// providers.md 1.1: the voice webhook is a form-encoded POST with CallSid, AccountSid, From, To,
// CallStatus, ApiVersion, Direction, geo fields "if available", and [OBS] Caller/Called.
TEST(TwilioWire, VoiceWebhookFormFromTheDocsParsesIntoTheCallFields) {
  std::string body =
      "AccountSid=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx&ApiVersion=2010-04-01"
      "&CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=ringing&Called=%2B18005551212"
      "&Caller=%2B16175551212&Direction=inbound&From=%2B16175551212&FromCity=BOSTON&FromCountry=US"
      "&FromState=MA&FromZip=02108&To=%2B18005551212&ToCity=SAN+FRANCISCO&ToCountry=US";
  std::string why;
  auto hook = twilio::parse_voice_webhook(body, &why);
  ASSERT_TRUE(hook) << why;
  EXPECT_EQ(hook->call_sid, "CA0123456789abcdef0123456789abcdef");
  EXPECT_EQ(hook->account_sid, "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  EXPECT_EQ(hook->from, "+16175551212");
  EXPECT_EQ(hook->to, "+18005551212");
  EXPECT_EQ(hook->direction, "inbound");
  EXPECT_EQ(hook->call_status, "ringing");
  // Every field is kept, decoded, for the signature (section 3.1 signs all of them).
  EXPECT_EQ(hook->form.size(), 15u);
  ASSERT_NE(find_param(hook->form, "ToCity"), nullptr);
  EXPECT_EQ(*find_param(hook->form, "ToCity"), "SAN FRANCISCO");
  ASSERT_NE(find_param(hook->form, "Caller"), nullptr);
  EXPECT_EQ(*find_param(hook->form, "Caller"), "+16175551212");

  // A Voice SDK caller is `client:name`, not an E.164 number.
  auto sdk = twilio::parse_voice_webhook(
      "CallSid=CA0123456789abcdef0123456789abcdef&From=client%3Aalice&To=%2B18005551212&Direction=inbound", &why);
  ASSERT_TRUE(sdk) << why;
  EXPECT_EQ(sdk->from, "client:alice");
}

// providers.md 1.2 (minimal bidirectional TwiML) and 1.3/1.4 (url, statusCallback, <Parameter>).
// The documentation's example without its optional fallback <Say>.
TEST(TwilioWire, ConnectStreamAnswerIsTheDocumentedTwiml) {
  constexpr std::string_view documented = R"(<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Connect>
    <Stream url="wss://gw.example.com/twilio/media" statusCallback="https://gw.example.com/twilio/stream-status">
      <Parameter name="session" value="8f1c2a"/>
      <Parameter name="tenant" value="acme"/>
    </Stream>
  </Connect>
</Response>)";
  auto answer = twilio::connect_stream("wss://gw.example.com/twilio/media", {{"session", "8f1c2a"}, {"tenant", "acme"}},
                                       "https://gw.example.com/twilio/stream-status");
  EXPECT_EQ(xml_outline(answer), xml_outline(documented)) << answer;
  EXPECT_EQ(answer.rfind(R"(<?xml version="1.0" encoding="UTF-8"?>)", 0), 0u) << answer;
}

// providers.md 2.1: `connected` is the first frame, with no sequenceNumber and no streamSid.
TEST(TwilioWire, ConnectedMessageFromTheDocsParsesAsConnected) {
  std::string frame = R"({ "event": "connected", "protocol": "Call", "version": "1.0.0" })";
  media_event ev;
  ASSERT_EQ(twilio::media_codec{}.parse(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::connected);
  EXPECT_EQ(ev.sequence, 0u);
  EXPECT_FALSE(ev.start);
}

// providers.md 2.2: outbound media carries streamSid and media.payload only (no track, chunk or
// timestamp; error 31951 lists an extra field as an invalid message).
TEST(TwilioWire, OutboundMediaIsExactlyTheDocumentedMessage) {
  std::string out;
  twilio::media_codec{}.build_media("MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", documented_audio, out);
  EXPECT_EQ(json_difference(
                R"({ "event": "media", "streamSid": "MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "media": { "payload": "no+JhoaJjpzS" } })",
                out),
            "")
      << out;
}

// providers.md 2.2: outbound mark.
TEST(TwilioWire, OutboundMarkIsExactlyTheDocumentedMessage) {
  auto out = twilio::media_codec{}.build_mark("MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "resp-42");
  EXPECT_EQ(json_difference(
                R"({ "event": "mark",  "streamSid": "MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "mark":  { "name": "resp-42" } })",
                out),
            "")
      << out;
}

// providers.md 2.2: outbound clear.
TEST(TwilioWire, OutboundClearIsExactlyTheDocumentedMessage) {
  auto out = twilio::media_codec{}.build_clear("MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  EXPECT_EQ(json_difference(R"({ "event": "clear", "streamSid": "MZxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })", out), "")
      << out;
}

// providers.md 4: hang up with POST {base}/Accounts/{AC}/Calls/{CA}.json, form body
// Status=completed, HTTP Basic auth AccountSid:AuthToken, base URL https://api.twilio.com/2010-04-01.
TEST(TwilioWire, HangupRequestIsTheDocumentedRestCall) {
  auto r = twilio::hangup_call("https://api.twilio.com/2010-04-01", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                               "your_auth_token", "CA0123456789abcdef0123456789abcdef");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url,
            "https://api.twilio.com/2010-04-01/Accounts/ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/Calls/"
            "CA0123456789abcdef0123456789abcdef.json");
  EXPECT_EQ(r.body, "Status=completed");
  // base64("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:your_auth_token"), computed outside the project.
  EXPECT_EQ(header_or(r.headers, "authorization"),
            "Basic QUN4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eDp5b3VyX2F1dGhfdG9rZW4=");
  EXPECT_EQ(header_or(r.headers, "content-type"), "application/x-www-form-urlencoded");
}

}  // namespace
}  // namespace voxgate::net
