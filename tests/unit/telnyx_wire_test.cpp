// Literal wire texts copied from Telnyx's documentation (../shared/reference/), checked against the
// gateway's own parsers and builders. The fakes are built on those same parsers and builders, so a
// misread field would pass there on both sides; these tests do not: inputs are literals, expected
// outputs are literals read with plain RapidJSON (tests/unit/wire_literals).
// Kinds already held to a documented literal in telnyx_test.cpp are not repeated here.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/headers.hpp"
#include "net/providers/media_dialect.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/providers/telnyx/rest.hpp"
#include "net/providers/telnyx/webhook.hpp"
#include "tests/unit/wire_literals.hpp"

namespace voxgate::net {
namespace {

using testing::documented_audio;
using testing::json_difference;
using testing::xml_outline;


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

}  // namespace
}  // namespace voxgate::net
