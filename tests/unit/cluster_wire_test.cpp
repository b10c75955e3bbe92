// The relay's messages between instances: each kind survives the round trip byte for byte, and
// whatever a peer could send that is not a message is refused with a reason.
#include <gtest/gtest.h>

#include "cluster/wire.hpp"
#include "net/providers/registry.hpp"

using namespace voxgate;
using namespace voxgate::cluster;

namespace {
const net::providers::set providers{{}};
const provider_lookup by_name = [](std::string_view name) { return providers.find(name); };
}  // namespace

TEST(RelayWire, BinaryKindsCarryAnyBytesAndSayTheyAreBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));  // NUL, newlines, no UTF-8
  for (auto kind : {wire_kind::binary_frame, wire_kind::binary_audio}) {
    EXPECT_TRUE(is_binary(kind));
    auto m = decode(encode_frame(kind, 9, bytes), nullptr);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, kind);
    EXPECT_EQ(m->body, bytes);
  }
  for (auto kind : {wire_kind::open, wire_kind::frame, wire_kind::audio, wire_kind::close, wire_kind::event})
    EXPECT_FALSE(is_binary(kind));
}

TEST(RelayWire, EveryKindRoundTripsWithItsBodyUntouched) {
  wire_message open;
  open.kind = wire_kind::open;
  open.channel = 7;
  open.provider = "telnyx";
  open.token = "v3:abc.1796099897.e069";
  open.body = "{\"event\":\"start\"}\n second line";
  auto back = decode(encode(open), nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, wire_kind::open);
  EXPECT_EQ(back->channel, 7u);
  EXPECT_EQ(back->provider, "telnyx");
  EXPECT_EQ(back->token, open.token);
  EXPECT_EQ(back->body, open.body);

  open.token.clear();  // Twilio's bare path: the token rides in the start only
  back = decode(encode(open), nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->token, "");
  EXPECT_EQ(back->body, open.body);

  for (auto kind : {wire_kind::frame, wire_kind::audio, wire_kind::close}) {
    auto text = encode_frame(kind, 4294967295u, "body with\nnewlines and \xc3\xa9");
    auto m = decode(text, nullptr);
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(m->kind, kind);
    EXPECT_EQ(m->channel, 4294967295u);
    EXPECT_EQ(m->body, "body with\nnewlines and \xc3\xa9");
    auto moved = decode(std::string(text), nullptr);  // the relay's path: the body takes the buffer
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->kind, kind);
    EXPECT_EQ(moved->channel, m->channel);
    EXPECT_EQ(moved->body, m->body);
  }
  auto empty = decode(encode_frame(wire_kind::close, 1, ""), nullptr);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "");
}

TEST(RelayWire, WhatIsNotAMessageIsRefusedWithAReason) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "no header line"},
      {"F 1", "no header line"},
      {"X 1\nbody", "unknown message kind"},
      {"FF 1\nbody", "unknown message kind"},
      {"F\nbody", "unknown message kind"},
      {"F one\nbody", "channel is not a number"},
      {"F 4294967296\nbody", "channel is not a number"},
      {"F -1\nbody", "channel is not a number"},
      {"F 1 extra\nbody", "extra fields in the header"},
      {"O 1\nbody", "open needs a provider and a token"},
      {"O 1 twilio tok more\nbody", "open needs a provider and a token"},
      {"O 1 skype tok\nbody", "unknown provider"},
      {"O 1 twilio " + std::string(1025, 't') + "\nbody", "token too long"},
      {"F " + std::string(2000, '1') + "\nbody", "no header line"},
  };
  for (const auto& [text, reason] : bad) {
    std::string why;
    EXPECT_FALSE(decode(text, &why)) << text;
    EXPECT_EQ(why, reason) << text;
  }
}

TEST(RelayWire, ProviderEventsRoundTripAndComeBackMarkedRelayed) {
  actors::provider_event ev;
  ev.provider = providers.find("telnyx");
  ev.event_id = "evt-\"3\"";
  ev.kind = actors::call_event_kind::dtmf;
  ev.call_id = "v3:cc\\id";
  ev.session_id = "sess";
  ev.detail = "9";
  auto back = decode_event(encode_event(ev), by_name, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->provider, ev.provider);
  EXPECT_EQ(back->event_id, ev.event_id);
  EXPECT_EQ(back->kind, ev.kind);
  EXPECT_EQ(back->call_id, ev.call_id);
  EXPECT_EQ(back->session_id, ev.session_id);
  EXPECT_EQ(back->detail, ev.detail);
  EXPECT_TRUE(back->relayed);  // so the owner never forwards it again

  for (const char* bad : {"", "[]", "{\"provider\":\"telnyx\"}", "not json",
                          R"({"provider":"telnyx","id":"e","kind":"ring","call":"c","session":"","detail":""})",
                          R"({"provider":"telnyx","id":"e","kind":"hangup","call":"","session":"","detail":""})",
                          R"({"provider":"pots","id":"e","kind":"hangup","call":"c","session":"","detail":""})",
                          R"({"provider":"telnyx","id":1,"kind":"hangup","call":"c","session":"","detail":""})"}) {
    std::string why;
    EXPECT_FALSE(decode_event(bad, by_name, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  std::string deep(100000, '[');
  std::string why;
  EXPECT_FALSE(decode_event(deep, by_name, &why));  // refused before it costs stack
}
