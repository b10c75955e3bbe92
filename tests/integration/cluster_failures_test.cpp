// The cluster when things go wrong: Redis down, a stranger or a garbage-sending peer at the relay
// door, an owner that freezes, an instance that takes no calls; and two instances carrying media to
// each other over one connection.
#include "cluster_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

TEST_F(ClusterTest, WithRedisDownCallsThatStayOnOneInstanceAreServedAndTheOthersRefused) {
  constexpr const char* before = "CA66666666666666666666666666666666";
  fakes::fake_twilio hook(url(0), public_url, auth_token), media(url(1), public_url, auth_token);
  ASSERT_TRUE(twilio_call(hook, media, before));
  std::size_t next = 0;
  audio_flows(media, 0, 0x10, next);

  redis.stop();
  for (int i = 0; i < n; ++i) ASSERT_TRUE(eventually([&] { return metric(i, "voxgate_redis_up") == 0; })) << i;
  // The call already relayed needs no Redis.
  audio_flows(media, 0, 0x60, next);

  // A call whose webhook and media both reach instance 2 is served there.
  constexpr const char* local = "CA77777777777777777777777777777777";
  fakes::fake_twilio alone(url(2), public_url, auth_token);
  ASSERT_TRUE(twilio_call(alone, alone, local));
  ASSERT_TRUE(ai[2]->events()->wait_for_field("type", "session.update", 5s));
  audio_flows(alone, 2, 0x20);

  // One whose media reaches another instance is refused, with a line that says why.
  constexpr const char* split = "CA88888888888888888888888888888888";
  fakes::fake_twilio split_hook(url(1), public_url, auth_token), split_media(url(2), public_url, auth_token);
  ASSERT_TRUE(twilio_call(split_hook, split_media, split));
  EXPECT_TRUE(split_media.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(2, R"(voxgate_media_sockets_refused_total{provider="twilio",reason="redis_down"})") == 1;
  }));
  EXPECT_NE(log(2).find("reason=redis_down"), std::string::npos);
  EXPECT_NE(log(1).find("redis down"), std::string::npos);
  for (int i = 0; i < n; ++i) EXPECT_TRUE(gw[i].running()) << i;

  // Redis comes back (empty): every instance reconnects and re-registers what it owns.
  ASSERT_EQ(redis.start(), "");
  for (int i = 0; i < n; ++i)
    EXPECT_TRUE(eventually([&] { return metric(i, "voxgate_redis_up") == 1; }, 12s)) << i;
  // Including the call admitted while Redis was away, and the relayed one from before.
  EXPECT_TRUE(eventually([&] { return entry(before) == 1 && entry(local) == 1; }, 5s));
  auto all = get(url(1) + "/calls?scope=cluster");
  EXPECT_NE(all.body.find(R"({"calls":3,"instances":[{"instance")"), std::string::npos) << all.body;
  EXPECT_EQ(all.body.find(R"("error")"), std::string::npos) << all.body;
}

TEST_F(ClusterTest, TheRelayDoorTakesOnlyPeersOfTheClusterAndCutsOneThatSendsGarbage) {
  auto later = a_minute_on();
  auto self = self_of(0);
  auto frames = std::make_shared<fakes::frame_queue>();
  EXPECT_NE(dial_relay(0, "", frames), "");                                                       // no token
  EXPECT_NE(dial_relay(0, cluster::relay::peer_token("another-secret-0123456", "x", self, later), frames), "");  // not our secret
  EXPECT_NE(dial_relay(0, net::mint_call_token(secret, "peer:x:to:" + self, later), frames), "");  // a media token's key
  EXPECT_NE(dial_relay(0, cluster::relay::peer_token(secret, "x", "127.0.0.1:1", later), frames), "");  // for another instance
  EXPECT_NE(dial_relay(0, cluster::relay::peer_token(secret, "x", self, later - 120), frames), "");     // expired
  EXPECT_NE(dial_relay(0, cluster::relay::calls_peer_token(secret, "x", self, later), frames), "");  // a /calls token
  EXPECT_EQ(metric(0, R"(voxgate_ws_upgrade_attempts_total{path="/internal/relay",result="refused",reason="bad_peer_token"})"), 6);

  // A peer of the cluster that sends something that is not a relay message is cut off.
  net::ws_channel_ptr peer;
  ASSERT_EQ(dial_relay(0, cluster::relay::peer_token(secret, "127.0.0.1:1", self, later), frames, &peer), "");
  peer->send_text("hello");
  EXPECT_TRUE(frames->wait_closed(5s));
  EXPECT_EQ(metric(0, R"(voxgate_bad_frames_total{source="relay",reason="malformed"})"), 1);
  // So is one that sends a text kind (a close) in a binary frame: each kind has its frame type.
  frames = std::make_shared<fakes::frame_queue>();
  ASSERT_EQ(dial_relay(0, cluster::relay::peer_token(secret, "127.0.0.1:1", self, later), frames, &peer), "");
  peer->send_binary("C 1\nbye");
  EXPECT_TRUE(frames->wait_closed(5s));
  EXPECT_EQ(metric(0, R"(voxgate_bad_frames_total{source="relay",reason="malformed"})"), 2);
  // A channel opened for a call this instance does not have is refused, and nothing is carried on.
  frames = std::make_shared<fakes::frame_queue>();
  ASSERT_EQ(dial_relay(0, cluster::relay::peer_token(secret, "127.0.0.1:1", self, later), frames, &peer), "");
  peer->send_text("O 1 twilio \n" R"({"event":"start","sequenceNumber":"1","start":{"accountSid":"AC1","streamSid":"MZ1","callSid":"CA99999999999999999999999999999999","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"token":")" +
                  net::mint_call_token(secret, "CA99999999999999999999999999999999", later) +
                  R"("}},"streamSid":"MZ1"})");
  auto closed = frames->wait_for([](const std::string& f) { return f.rfind("C 1\n", 0) == 0; }, 5s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, "C 1\nunknown_call");
  EXPECT_EQ(metric(0, R"(voxgate_relayed_calls{role="carried"})"), 0);
  peer->close("done");
}

TEST_F(ClusterTest, AnOwnerThatFreezesIsCutOffByTheRelayWithinTheTtl) {
  constexpr const char* sid = "CA99999999999999999999999999999990";
  fakes::fake_twilio hook(url(0), public_url, auth_token), media(url(1), public_url, auth_token);
  ASSERT_TRUE(twilio_call(hook, media, sid));
  audio_flows(media, 0, 0x10);
  // Frozen, not dead: its sockets stay open and send no reset, as a host that vanished would.
  gw[0].signal(SIGSTOP);
  auto frozen = std::chrono::steady_clock::now();
  EXPECT_TRUE(media.received()->wait_closed(std::chrono::milliseconds(ttl_ms * 4)));
  std::printf("[ figure ] owner frozen -> carried socket closed: %.0f ms (CLUSTER_TTL_MS=%d)\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frozen).count(), ttl_ms);
  EXPECT_TRUE(eventually([&] { return metric(1, R"(voxgate_relayed_calls{role="carried"})") == 0; }));
  EXPECT_NE(log(1).find("relay peer=127.0.0.1:" + std::to_string(port[0]) + " lost"), std::string::npos) << log(1);
  gw[0].signal(SIGCONT);
}

namespace {

// Every instance has an OPS_TOKEN of its own (instance 2 none): the operator's token is checked by the
// instance asked, and never sent to the others.
class ClusterWithOpsTokensOfTheirOwn : public ClusterTest {
 protected:
  std::string ops_token_of(int i) const override {
    return i == 2 ? std::string() : "ops-token-of-instance-" + std::to_string(i);
  }

  net::http_client_response ask(int i, const std::string& target, net::header_list headers) {
    net::http_client_request r;
    r.url = url(i) + target;
    r.timeout = 3s;
    r.headers = std::move(headers);
    return fakes::fetch_sync(io, std::move(r));
  }
};

}  // namespace

TEST_F(ClusterWithOpsTokensOfTheirOwn, PeersAskEachOtherForTheirCallsWithATokenOfTheirOwnNotTheOperators) {
  constexpr const char* sid = "CA0000000000000000000000000000c0a1";
  fakes::fake_twilio hook(url(0), public_url, auth_token), media(url(0), public_url, auth_token);
  ASSERT_TRUE(twilio_call(hook, media, sid));
  ASSERT_TRUE(ai[0]->events()->wait_for_field("type", "session.update", 5s));

  // Instance 1's operator lists the whole cluster there: instance 0 answered instance 1's peer token,
  // instance 2 (no OPS_TOKEN) answers no one, peers included.
  auto all = ask(1, "/calls?scope=cluster", {{"authorization", "Bearer " + ops_token_of(1)}});
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_NE(all.body.find(R"({"calls":1,)"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"({"instance":")" + self_of(0) + R"(","calls":[{"id":")" + sid), std::string::npos)
      << all.body;
  EXPECT_NE(all.body.find(R"({"instance":")" + self_of(1) + R"(","calls":[]})"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"({"instance":")" + self_of(2) + R"(","error":"status 403"})"), std::string::npos)
      << all.body;
  EXPECT_EQ(ask(0, "/calls", {{"authorization", "Bearer " + ops_token_of(1)}}).status, 401u);
  EXPECT_EQ(ask(2, "/calls", {{"x-voxgate-peer", cluster::relay::calls_peer_token(secret, "x", self_of(2), a_minute_on())}})
                .status,
            403u);

  // A peer's /calls token, made for instance 0, opens instance 0's own list (not the cluster's).
  auto later = a_minute_on();
  auto own = ask(0, "/calls?scope=cluster", {{"x-voxgate-peer", cluster::relay::calls_peer_token(secret, "x", self_of(0), later)}});
  EXPECT_EQ(own.status, 200u);
  EXPECT_EQ(own.body.rfind(R"([{"id":")" + std::string(sid), 0), 0u) << own.body;
  for (const auto& token : {cluster::relay::calls_peer_token(secret, "x", self_of(1), later),  // for another instance
                            cluster::relay::calls_peer_token(secret, "x", self_of(0), later - 120),  // expired
                            cluster::relay::calls_peer_token("another-secret-0123456", "x", self_of(0), later),
                            cluster::relay::peer_token(secret, "x", self_of(0), later),  // the relay door's kind
                            net::mint_call_token(secret, "peer:x:to:" + self_of(0), later)}) {  // a media token's key
    auto refused = ask(0, "/calls", {{"x-voxgate-peer", token}});
    EXPECT_EQ(refused.status, 401u) << token;
    EXPECT_EQ(refused.body.find(sid), std::string::npos) << refused.body;
  }
}

namespace {

// Instance 2 takes no calls at all (MAX_CALLS=0): a refusal after the claim.
class ClusterWithAFullInstance : public ClusterTest {
 protected:
  std::vector<std::string> extra_env(int i) const override {
    return i == 2 ? std::vector<std::string>{"MAX_CALLS=0"} : std::vector<std::string>{};
  }
};

}  // namespace

TEST_F(ClusterWithAFullInstance, ARefusedCallLeavesNoEntryAndItsRetryIsServedElsewhere) {
  constexpr const char* sid = "CA99999999999999999999999999999991";
  fakes::fake_twilio full(url(2), public_url, auth_token), other(url(0), public_url, auth_token);
  auto refused = full.post_voice_webhook(sid);
  ASSERT_EQ(refused.status, 200u);
  EXPECT_FALSE(sim::twilio::parse_stream_instruction(refused.body)) << refused.body;  // the polite refusal
  EXPECT_TRUE(eventually([&] { return entry(sid) == 0; }));                           // the claim given back
  // Twilio retries elsewhere: that instance takes the call, not "owned elsewhere".
  auto retried = other.post_voice_webhook(sid);
  ASSERT_TRUE(sim::twilio::parse_stream_instruction(retried.body)) << retried.body;
  EXPECT_EQ(wait_owner(), 0);
}

TEST_F(ClusterTest, TwoInstancesCarryingMediaToEachOtherShareOneConnection) {
  std::vector<std::unique_ptr<fakes::fake_twilio>> phones;
  calls_each_way("CA99999999999999999999999999999992", "CA99999999999999999999999999999993", phones);
}
