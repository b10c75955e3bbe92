// Literal wire texts copied from the providers' documentation (../shared/reference/providers.md and
// ai-realtime.md), checked against the gateway's own parsers and builders. The fakes are built on
// those same parsers and builders, so a misread field would pass there on both sides; these tests
// do not: inputs are literals, expected outputs are literals read with plain RapidJSON.
//
// Kinds already held to a documented literal elsewhere are not repeated here:
// tests/unit/twilio_media_test.cpp (Twilio start, media, mark, dtmf, stop), telnyx_test.cpp (Telnyx
// webhook call.initiated, call.hangup, streaming.failed, call.dtmf.received; media `media`; outbound
// clear), openai_events_test.cpp (response.output_audio.delta, speech_started, response.done).

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/headers.hpp"
#include "net/providers/media_dialect.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/providers/telnyx/rest.hpp"
#include "net/providers/telnyx/webhook.hpp"
#include "net/providers/twilio/media.hpp"
#include "net/providers/twilio/rest.hpp"
#include "net/providers/twilio/twiml.hpp"
#include "net/providers/twilio/webhook.hpp"

namespace voxgate::net {
namespace {

// The Realtime dialect, as the tests below were written against it.
namespace openai = ai::openai_realtime;

// ---------------------------------------------------------------------------------------------
// Helpers that read the wire text without the gateway's own JSON and XML code.

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

struct json_rules {
  std::set<std::string> any_value;  // paths whose value is the gateway's choice (present, any value)
  std::set<std::string> may_add;    // paths the docs allow but the expected text leaves out
};

void compare(const rapidjson::Value& expected, const rapidjson::Value& actual, const std::string& path,
             const json_rules& rules, std::string& out) {
  if (rules.any_value.count(path)) return;
  if (expected.IsObject() && actual.IsObject()) {
    for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
      std::string sub = path + "/" + it->name.GetString();
      auto found = actual.FindMember(it->name);
      if (found == actual.MemberEnd())
        out += "missing " + sub + "\n";
      else
        compare(it->value, found->value, sub, rules, out);
    }
    std::set<std::string> seen;
    for (auto it = actual.MemberBegin(); it != actual.MemberEnd(); ++it) {
      std::string sub = path + "/" + it->name.GetString();
      if (!seen.insert(it->name.GetString()).second) out += "duplicate " + sub + "\n";
      if (!expected.HasMember(it->name) && !rules.may_add.count(sub))
        out += "unexpected " + sub + " = " + to_text(it->value) + "\n";
    }
    return;
  }
  if (expected.IsArray() && actual.IsArray() && expected.Size() == actual.Size()) {
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i)
      compare(expected[i], actual[i], path + "/" + std::to_string(i), rules, out);
    return;
  }
  if (expected != actual) out += "at " + path + " expected " + to_text(expected) + ", got " + to_text(actual) + "\n";
}

// Empty when `actual` is the same JSON as `expected` (member order free), else every difference.
std::string json_difference(std::string_view expected, std::string_view actual, std::set<std::string> any_value = {},
                            std::set<std::string> may_add = {}) {
  const json_rules rules{std::move(any_value), std::move(may_add)};
  rapidjson::Document e;
  rapidjson::Document a;
  e.Parse(expected.data(), expected.size());
  if (e.HasParseError()) return "the expected literal is not JSON";
  a.Parse(actual.data(), actual.size());
  if (a.HasParseError()) return "not JSON: " + std::string(actual);
  std::string out;
  compare(e, a, "", rules, out);
  return out;
}

// The XML the gateway writes, one line per node: "<?xml a=1 b=2", "<Name a=1 b=2" (attributes
// sorted), "text ...", "</Name>". Whitespace between elements and comments are dropped, so a
// pretty-printed documentation example and a one-line answer compare equal. No entity decoding.
std::vector<std::string> xml_outline(std::string_view xml) {
  std::vector<std::string> out;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      auto next = xml.find('<', i);
      auto text = xml.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
      auto b = text.find_first_not_of(" \n\r\t");
      if (b != std::string_view::npos) {
        auto e = text.find_last_not_of(" \n\r\t");
        out.push_back("text " + std::string(text.substr(b, e - b + 1)));
      }
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    if (xml.substr(i, 4) == "<!--") {
      auto end = xml.find("-->", i);
      if (end == std::string_view::npos) return {"error: unterminated comment"};
      i = end + 3;
      continue;
    }
    if (xml.substr(i, 2) == "</") {
      auto end = xml.find('>', i);
      if (end == std::string_view::npos) return {"error: unterminated end tag"};
      out.push_back("</" + std::string(xml.substr(i + 2, end - i - 2)) + ">");
      i = end + 1;
      continue;
    }
    bool declaration = xml.substr(i, 2) == "<?";
    i += declaration ? 2 : 1;
    std::size_t name_end = i;
    while (name_end < xml.size() && !is_space(xml[name_end]) && xml[name_end] != '>' && xml[name_end] != '/' &&
           xml[name_end] != '?')
      ++name_end;
    std::string name(xml.substr(i, name_end - i));
    i = name_end;
    std::vector<std::string> attributes;
    bool self_closing = false;
    for (;;) {
      while (i < xml.size() && is_space(xml[i])) ++i;
      if (i >= xml.size()) return {"error: unterminated tag " + name};
      if (declaration && xml.substr(i, 2) == "?>") {
        i += 2;
        break;
      }
      if (xml.substr(i, 2) == "/>") {
        self_closing = true;
        i += 2;
        break;
      }
      if (xml[i] == '>') {
        ++i;
        break;
      }
      auto eq = xml.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= xml.size()) return {"error: attribute without value in " + name};
      char quote = xml[eq + 1];
      if (quote != '"' && quote != '\'') return {"error: unquoted attribute in " + name};
      auto close = xml.find(quote, eq + 2);
      if (close == std::string_view::npos) return {"error: unterminated attribute in " + name};
      attributes.push_back(std::string(xml.substr(i, eq - i)) + "=" + std::string(xml.substr(eq + 2, close - eq - 2)));
      i = close + 1;
    }
    std::sort(attributes.begin(), attributes.end());
    std::string line = (declaration ? "<?" : "<") + name;
    for (const auto& a : attributes) line += " " + a;
    out.push_back(line);
    if (self_closing) out.push_back("</" + name + ">");
  }
  return out;
}

// The nine bytes behind the payload Twilio's docs show ("no+JhoaJjpzS..."): the '+' checks the
// standard base64 alphabet, not the URL-safe one.
constexpr std::uint8_t documented_audio[] = {0x9e, 0x8f, 0x89, 0x86, 0x86, 0x89, 0x8e, 0x9c, 0xd2};

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

// ---------------------------------------------------------------------------------------------
// Telnyx webhooks (Call Control v2)

// providers.md 5.1 (envelope) and 5.2 (call.answered: state "answered", start_time, custom_headers,
// sip_headers, tags).
TEST(TelnyxWire, CallAnsweredWebhookFromTheDocsParsesAsAnswered) {
  std::string body = R"({
  "data": {
    "record_type": "event",
    "id": "1ddd8c65-5ef4-4cdb-b6a6-4eb2dd888f01",
    "event_type": "call.answered",
    "occurred_at": "2018-02-02T22:25:29.521992Z",
    "payload": {
      "call_control_id": "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
      "call_leg_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
      "call_session_id": "428c31b6-abf3-3bc1-b7f4-5013ef9657c1",
      "connection_id": "7267xxxxxxxxxxxxxx",
      "from": "+13129457420", "to": "+13122123456",
      "state": "answered", "client_state": "eyJzaWQiOiIxIn0=",
      "start_time": "2018-02-02T22:25:27.521992Z",
      "custom_headers": [], "sip_headers": [], "tags": []
    }
  },
  "meta": { "attempt": 1, "delivered_to": "https://gw.example.com/telnyx/webhook" }
})";
  std::string why;
  auto e = telnyx::parse_webhook(body, &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->kind, telnyx::event_kind::call_answered);
  EXPECT_EQ(e->id, "1ddd8c65-5ef4-4cdb-b6a6-4eb2dd888f01");
  EXPECT_EQ(e->event_type, "call.answered");
  EXPECT_EQ(e->occurred_at, "2018-02-02T22:25:29.521992Z");
  EXPECT_EQ(e->call_control_id, "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg");
  EXPECT_EQ(e->call_leg_id, "428c31b6-7af4-4bcb-b7f5-5013ef9657c1");
  EXPECT_EQ(e->call_session_id, "428c31b6-abf3-3bc1-b7f4-5013ef9657c1");
  EXPECT_EQ(e->from, "+13129457420");
  EXPECT_EQ(e->to, "+13122123456");
  EXPECT_EQ(e->client_state, "eyJzaWQiOiIxIn0=");
}

// providers.md 5.2: streaming.started carries stream_url; the name has no "call." prefix.
TEST(TelnyxWire, StreamingStartedWebhookFromTheDocsParsesAsStreamingStarted) {
  std::string body = R"({"data":{"record_type":"event","id":"2eee9d76-6f05-4dec-a7b7-5fc3ee999a12",)"
                     R"("event_type":"streaming.started","occurred_at":"2018-02-02T22:25:30.000000Z",)"
                     R"("payload":{"call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",)"
                     R"("call_leg_id":"428c31b6-7af4-4bcb-b7f5-5013ef9657c1",)"
                     R"("call_session_id":"428c31b6-abf3-3bc1-b7f4-5013ef9657c1","client_state":null,)"
                     R"("stream_url":"wss://gw.example.com/telnyx/media/tok"}}})";
  std::string why;
  auto e = telnyx::parse_webhook(body, &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->kind, telnyx::event_kind::streaming_started);
  EXPECT_EQ(e->id, "2eee9d76-6f05-4dec-a7b7-5fc3ee999a12");
  EXPECT_EQ(e->call_control_id, "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg");
  EXPECT_EQ(e->client_state, "");
}

// providers.md 5.2: streaming.stopped carries stream_url; it follows a hangup (5.3 inbound flow).
TEST(TelnyxWire, StreamingStoppedWebhookFromTheDocsParsesAsStreamingStopped) {
  std::string body = R"({"data":{"record_type":"event","id":"3fff0e87-7016-4efd-b8c8-60d4ff000b23",)"
                     R"("event_type":"streaming.stopped","occurred_at":"2018-02-02T22:26:30.000000Z",)"
                     R"("payload":{"call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",)"
                     R"("call_leg_id":"428c31b6-7af4-4bcb-b7f5-5013ef9657c1",)"
                     R"("call_session_id":"428c31b6-abf3-3bc1-b7f4-5013ef9657c1",)"
                     R"("stream_url":"wss://gw.example.com/telnyx/media/tok"}}})";
  std::string why;
  auto e = telnyx::parse_webhook(body, &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->kind, telnyx::event_kind::streaming_stopped);
  EXPECT_EQ(e->call_session_id, "428c31b6-abf3-3bc1-b7f4-5013ef9657c1");
}

// ---------------------------------------------------------------------------------------------
// Telnyx media streaming WebSocket

// providers.md 6.2: `connected` [DOC].
TEST(TelnyxWire, ConnectedMessageFromTheDocsParsesAsConnected) {
  std::string frame = R"({ "event": "connected", "version": "1.0.0" })";
  media_event ev;
  ASSERT_EQ(telnyx::media_codec{}.parse(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::connected);
}

// providers.md 6.2: the `start` example verbatim: stream_id top-level only, custom_parameters a flat
// object, tags an array the gateway does not read. (telnyx_test.cpp checks the codec choice.)
TEST(TelnyxWire, StartMessageFromTheDocsParsesIdsAndCustomParameters) {
  std::string frame = R"({
  "event": "start",
  "sequence_number": "1",
  "stream_id": "32DE0DEA-53CB-4B21-89A4-9E1819C043BC",
  "start": {
    "user_id": "3E6F995F-85F7-4705-9741-53B116D28237",
    "call_control_id": "v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ",
    "call_session_id": "ff55a038-6f5d-11ef-9692-02420aeffb1f",
    "from": "+13122010094",
    "to": "+13122123456",
    "tags": ["TAG1", "TAG2"],
    "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
    "custom_parameters": { "customer_id": "customer_123" },
    "media_format": { "encoding": "PCMU", "sample_rate": 8000, "channels": 1 }
  }
})";
  media_event ev;
  ASSERT_EQ(telnyx::media_codec{}.parse(frame, ev), "");
  ASSERT_EQ(ev.kind, media_kind::start);
  ASSERT_TRUE(ev.start);
  EXPECT_EQ(ev.sequence, 1u);
  EXPECT_EQ(ev.start->stream_id, "32DE0DEA-53CB-4B21-89A4-9E1819C043BC");
  EXPECT_EQ(ev.start->call_id, "v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ");
  EXPECT_EQ(ev.start->session_id, "ff55a038-6f5d-11ef-9692-02420aeffb1f");
  EXPECT_EQ(ev.start->format, codecs::audio_format::g711_ulaw());
  EXPECT_EQ(ev.start->custom_parameters, (param_list{{"customer_id", "customer_123"}}));
}

// providers.md 6.2: mark callback, shape [OBS] {"event":"mark","stream_id":...,"mark":{"name":...}}.
TEST(TelnyxWire, MarkCallbackFromTheDocsParsesItsName) {
  std::string frame = R"({"event":"mark","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","mark":{"name":"resp-42"}})";
  media_event ev;
  ASSERT_EQ(telnyx::media_codec{}.parse(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::mark);
  EXPECT_EQ(ev.text, "resp-42");
}

// providers.md 6.2: dtmf, shape [OBS] {"event":"dtmf","stream_id":...,"dtmf":{"digit":"5"}}.
TEST(TelnyxWire, DtmfMessageFromTheDocsParsesItsDigit) {
  std::string frame = R"({"event":"dtmf","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","dtmf":{"digit":"5"}})";
  media_event ev;
  ASSERT_EQ(telnyx::media_codec{}.parse(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::dtmf);
  EXPECT_EQ(ev.text, "5");
}

// providers.md 6.2: stop, shape [OBS/UNCONFIRMED]; the inner object must not be relied on.
TEST(TelnyxWire, StopMessageFromTheDocsParsesAsStop) {
  std::string frame =
      R"({"event":"stop","sequence_number":"5","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","stop":{}})";
  media_event ev;
  ASSERT_EQ(telnyx::media_codec{}.parse(frame, ev), "");
  EXPECT_EQ(ev.kind, media_kind::stop);
  EXPECT_EQ(ev.sequence, 5u);
}

// providers.md 6.3: outbound media in rtp mode: {"event":"media","media":{"payload":...}}.
TEST(TelnyxWire, OutboundMediaIsExactlyTheDocumentedMessage) {
  std::string out;
  telnyx::media_codec{}.build_media("32DE0DEA-53CB-4B21-89A4-9E1819C043BC", documented_audio, out);
  EXPECT_EQ(json_difference(R"({ "event": "media", "media": { "payload": "no+JhoaJjpzS" } })", out), "") << out;
}

// providers.md 6.3: outbound mark.
TEST(TelnyxWire, OutboundMarkIsExactlyTheDocumentedMessage) {
  auto out = telnyx::media_codec{}.build_mark("32DE0DEA-53CB-4B21-89A4-9E1819C043BC", "resp-42");
  EXPECT_EQ(json_difference(R"({ "event": "mark",  "mark":  { "name": "resp-42" } })", out), "") << out;
}

// ---------------------------------------------------------------------------------------------
// Telnyx Call Control REST

constexpr std::string_view documented_ccid = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg";
// 5.3: the SDK percent-encodes the call_control_id path segment (':' -> %3A).
constexpr std::string_view documented_ccid_in_path = "v3%3AMdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg";

// providers.md 5.3: POST {base}/calls/{ccid}/actions/answer, Bearer auth, JSON body with the answer
// command's fields; 10 (Telnyx inbound, step 2): stream_track=inbound_track,
// stream_bidirectional_mode=rtp, stream_bidirectional_codec=PCMU. 5.3's note: answer has no
// stream_auth_token, stream_bidirectional_sampling_rate or custom_parameters (streaming_start has).
TEST(TelnyxWire, AnswerBodyCarriesOnlyTheFieldsTheAnswerCommandTakes) {
  telnyx::stream_settings s{"wss://gw.example.com/telnyx/media/tok", "tok", codecs::audio_format::g711_ulaw(),
                            "eyJzaWQiOiIxIn0="};
  auto r = telnyx::answer("https://api.telnyx.com/v2", "KEY0123", documented_ccid, s);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.telnyx.com/v2/calls/" + std::string(documented_ccid_in_path) + "/actions/answer");
  EXPECT_EQ(header_or(r.headers, "authorization"), "Bearer KEY0123");
  EXPECT_EQ(header_or(r.headers, "content-type"), "application/json");
  EXPECT_EQ(json_difference(R"({
    "stream_url": "wss://gw.example.com/telnyx/media/tok",
    "stream_track": "inbound_track",
    "stream_codec": "PCMU",
    "stream_bidirectional_mode": "rtp",
    "stream_bidirectional_codec": "PCMU",
    "client_state": "eyJzaWQiOiIxIn0=",
    "command_id": "the gateway's choice"
  })",
                            r.body, {"/command_id"}),
            "")
      << r.body;
}

// providers.md 5.3: POST {base}/calls/{ccid}/actions/streaming_start with stream_url, stream_track,
// stream_codec, stream_bidirectional_mode/codec/sampling_rate (a number: 8000, 16000, ...),
// stream_auth_token, client_state, command_id.
TEST(TelnyxWire, StreamingStartBodyIsTheDocumentedCommand) {
  telnyx::stream_settings s{"wss://gw.example.com/telnyx/media/tok", "tok", codecs::audio_format::l16(16000),
                            "eyJzaWQiOiIxIn0="};
  auto r = telnyx::streaming_start("https://api.telnyx.com/v2", "KEY0123", documented_ccid, s);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url,
            "https://api.telnyx.com/v2/calls/" + std::string(documented_ccid_in_path) + "/actions/streaming_start");
  EXPECT_EQ(header_or(r.headers, "authorization"), "Bearer KEY0123");
  EXPECT_EQ(header_or(r.headers, "content-type"), "application/json");
  EXPECT_EQ(json_difference(R"({
    "stream_url": "wss://gw.example.com/telnyx/media/tok",
    "stream_track": "inbound_track",
    "stream_codec": "L16",
    "stream_bidirectional_mode": "rtp",
    "stream_bidirectional_codec": "L16",
    "stream_bidirectional_sampling_rate": 16000,
    "stream_auth_token": "tok",
    "client_state": "eyJzaWQiOiIxIn0=",
    "command_id": "the gateway's choice"
  })",
                            r.body, {"/command_id"}),
            "")
      << r.body;
}

// providers.md 5.3: POST {base}/calls/{ccid}/actions/hangup; body fields client_state, command_id,
// custom_headers. 5.1: a command_id repeated for the same call within 60 s is ignored, so one per
// logical action: the same on a retry, different from the answer's and streaming_start's.
TEST(TelnyxWire, HangupIsTheDocumentedCommandWithItsOwnCommandId) {
  auto r = telnyx::hangup("https://api.telnyx.com/v2", "KEY0123", documented_ccid);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.telnyx.com/v2/calls/" + std::string(documented_ccid_in_path) + "/actions/hangup");
  EXPECT_EQ(header_or(r.headers, "authorization"), "Bearer KEY0123");
  EXPECT_EQ(header_or(r.headers, "content-type"), "application/json");
  EXPECT_EQ(json_difference(R"({ "command_id": "the gateway's choice" })", r.body,
                            {"/command_id"}, {"/client_state"}),
            "")
      << r.body;

  auto command_id = [](const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    return d.IsObject() && d.HasMember("command_id") && d["command_id"].IsString()
               ? std::string(d["command_id"].GetString())
               : std::string();
  };
  telnyx::stream_settings s{"wss://gw.example.com/telnyx/media/tok", "tok", codecs::audio_format::g711_ulaw(), {}};
  auto hangup_id = command_id(r.body);
  EXPECT_FALSE(hangup_id.empty());
  EXPECT_EQ(command_id(telnyx::hangup("https://api.telnyx.com/v2", "KEY0123", documented_ccid).body), hangup_id);
  EXPECT_NE(command_id(telnyx::answer("https://api.telnyx.com/v2", "KEY0123", documented_ccid, s).body), hangup_id);
  EXPECT_NE(command_id(telnyx::streaming_start("https://api.telnyx.com/v2", "KEY0123", documented_ccid, s).body),
            hangup_id);
}

// ---------------------------------------------------------------------------------------------
// OpenAI Realtime (GA), client events

// ai-realtime.md 1.2: the telephony example. `model` (set in the URL instead, 1.1),
// `transcription` (off by default) and `max_output_tokens` (default "inf") are optional; anything
// else, such as the beta-only `temperature` or `modalities`, is not part of the GA session.
TEST(OpenAiWire, SessionUpdateIsTheDocumentedTelephonyConfiguration) {
  openai::session_config c;
  c.instructions = "...";
  c.voice = "marin";
  c.input_format = codecs::audio_format::g711_ulaw();
  c.output_format = codecs::audio_format::g711_ulaw();
  c.tools_json = R"([{"type":"function","name":"lookup_order","description":"...",)"
                 R"("parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}])";
  auto out = openai::session_update(c);
  EXPECT_EQ(json_difference(R"({"type":"session.update","session":{
  "type":"realtime","output_modalities":["audio"],
  "instructions":"...",
  "audio":{
    "input":{"format":{"type":"audio/pcmu"},
             "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                               "silence_duration_ms":500,"create_response":true,"interrupt_response":true}},
    "output":{"format":{"type":"audio/pcmu"},"voice":"marin"}},
  "tools":[{"type":"function","name":"lookup_order","description":"...",
            "parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}],
  "tool_choice":"auto"}})",
                            out,
                            {}, {"/session/model", "/session/audio/input/transcription", "/session/max_output_tokens"}),
            "")
      << out;
}

// ai-realtime.md 1.4: input_audio_buffer.append with `audio` base64 in the session's input format.
TEST(OpenAiWire, InputAudioAppendIsTheDocumentedEvent) {
  std::string out;
  openai::input_audio_append(documented_audio, out);
  EXPECT_EQ(json_difference(R"({"type":"input_audio_buffer.append","audio":"no+JhoaJjpzS"})", out), "") << out;
}

// ai-realtime.md 1.8 step 2c: {"type":"conversation.item.truncate","item_id":...,"content_index":0,
// "audio_end_ms":...}.
TEST(OpenAiWire, ItemTruncateIsTheDocumentedEvent) {
  auto out = openai::item_truncate("item_CbWl8v0wnq", 1840);
  EXPECT_EQ(json_difference(
                R"({"type":"conversation.item.truncate","item_id":"item_CbWl8v0wnq","content_index":0,"audio_end_ms":1840})",
                out),
            "")
      << out;
}

// ai-realtime.md 1.4 (item shapes): user text is a message with one input_text part.
TEST(OpenAiWire, UserTextItemIsTheDocumentedConversationItem) {
  auto out = openai::user_text_item("The caller pressed 5.");
  EXPECT_EQ(json_difference(R"({"type":"conversation.item.create","item":)"
                            R"({"type":"message","role":"user","content":[{"type":"input_text","text":"The caller pressed 5."}]}})",
                            out),
            "")
      << out;
}

// ai-realtime.md 1.9 step 3: the function result, `output` a string holding JSON.
TEST(OpenAiWire, FunctionCallOutputIsTheDocumentedConversationItem) {
  auto out = openai::function_call_output("call_7pQ2", R"({"status":"shipped"})");
  EXPECT_EQ(json_difference(R"({"type":"conversation.item.create","item":)"
                            R"({"type":"function_call_output","call_id":"call_7pQ2","output":"{\"status\":\"shipped\"}"}})",
                            out),
            "")
      << out;
}

// ai-realtime.md 1.9 step 4 and 1.4: response.create (response overrides optional) and
// response.cancel (response_id optional).
TEST(OpenAiWire, ResponseCreateAndCancelAreTheDocumentedEvents) {
  EXPECT_EQ(json_difference(R"({"type":"response.create"})", openai::response_create()), "");
  EXPECT_EQ(json_difference(R"({"type":"response.cancel"})", openai::response_cancel()), "");
}

// ---------------------------------------------------------------------------------------------
// OpenAI Realtime (GA), server events

// ai-realtime.md 1.1 and 1.5: session.created is the first event, with the full effective session
// (fields from 1.2, some null).
TEST(OpenAiWire, SessionCreatedFromTheDocsParsesAsSessionCreated) {
  std::string text = R"({"type":"session.created","event_id":"event_C9G5RJeJ2gF77mV7f2B1j","session":{
  "type":"realtime","id":"sess_C9G5QPteg4UIbotdKLoYQ","model":"gpt-realtime","output_modalities":["audio"],
  "instructions":"Your knowledge cutoff is 2023-10.",
  "audio":{
    "input":{"format":{"type":"audio/pcm","rate":24000},"noise_reduction":null,"transcription":null,
             "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                               "silence_duration_ms":200,"idle_timeout_ms":null,
                               "create_response":true,"interrupt_response":true}},
    "output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin","speed":1.0}},
  "tools":[],"tool_choice":"auto","max_output_tokens":"inf","truncation":"auto","prompt":null,
  "tracing":null,"include":null}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::session_created);
  EXPECT_EQ(ev.type, "session.created");
}

// ai-realtime.md 1.1 and 1.5: session.updated answers session.update with the effective session.
TEST(OpenAiWire, SessionUpdatedFromTheDocsParsesAsSessionUpdated) {
  std::string text = R"({"type":"session.updated","event_id":"event_C9G8mqI3IucaojlVKE8Cs","session":{
  "type":"realtime","model":"gpt-realtime","output_modalities":["audio"],"instructions":"...",
  "audio":{"input":{"format":{"type":"audio/pcmu"},"turn_detection":{"type":"server_vad"}},
           "output":{"format":{"type":"audio/pcmu"},"voice":"marin"}},
  "tools":[],"tool_choice":"auto","max_output_tokens":"inf"}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::session_updated);
}

// ai-realtime.md 1.5: input_audio_buffer.speech_stopped {audio_end_ms, item_id}.
TEST(OpenAiWire, SpeechStoppedFromTheDocsCarriesItsEndOffset) {
  std::string text =
      R"({"type":"input_audio_buffer.speech_stopped","event_id":"event_7","audio_end_ms":2300,"item_id":"item_003"})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::speech_stopped);
  EXPECT_EQ(ev.audio_ms, 2300u);
  EXPECT_EQ(ev.item_id, "item_003");
}

// ai-realtime.md 1.5 and 1.9: response.function_call_arguments.done with its whole field set
// {response_id, item_id, output_index, call_id, name, arguments (a JSON-encoded string)}.
TEST(OpenAiWire, FunctionCallArgumentsDoneFromTheDocsCarriesCallIdNameAndArguments) {
  std::string text = R"({"type":"response.function_call_arguments.done","event_id":"event_9",)"
                     R"("response_id":"resp_002","item_id":"fc_001","output_index":0,"call_id":"call_7pQ2",)"
                     R"("name":"lookup_order","arguments":"{\"id\":\"A-17\"}"})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::function_call_done);
  EXPECT_EQ(ev.call_id, "call_7pQ2");
  EXPECT_EQ(ev.name, "lookup_order");
  EXPECT_EQ(ev.arguments, R"({"id":"A-17"})");
  EXPECT_EQ(ev.item_id, "fc_001");
}

// ai-realtime.md 1.6: the error example verbatim, with its null `param` and `event_id`.
TEST(OpenAiWire, ErrorFromTheDocsCarriesCodeAndMessage) {
  std::string text = R"({"type":"error","event_id":"event_...","error":{
  "type":"invalid_request_error","code":"session_expired",
  "message":"Your session hit the maximum duration of 15 minutes.","param":null,"event_id":null}})";
  openai::server_event ev;
  ASSERT_EQ(openai::parse_server_event(text, ev), "");
  EXPECT_EQ(ev.kind, openai::server_kind::error);
  EXPECT_EQ(ev.error_code, "session_expired");
  EXPECT_EQ(ev.message, "Your session hit the maximum duration of 15 minutes.");
}

}  // namespace
}  // namespace voxgate::net
