// The cluster as deployed: a real redis-server, three voxgate processes (the built binary) and HAProxy
// round-robin in front, each instance with its own fake OpenAI (so a session shows which instance
// owns a call). A call's webhook and its media reach different instances; the media is carried to the
// owner, whose AI session (opened while the phone rang) is the one used.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster_fixture.hpp"
#include "net/providers/audiosocket/media.hpp"
#include "test_audio.hpp"
#include "tools/sim/audiosocket.hpp"

using namespace voxgate;
using namespace voxgate::testing;

TEST_F(ClusterTest, ATwilioCallWhoseWebhookAndMediaReachDifferentInstancesCarriesAudioBothWaysWithABargeIn) {
  constexpr const char* sid = "CA11111111111111111111111111111111";
  fakes::fake_twilio caller(lb_url(), public_url, auth_token);  // both through the load balancer
  int own = relayed_twilio_call(caller, sid);
  ASSERT_GE(own, 0);
  int relay = carrier();
  EXPECT_NE(relay, own);
  EXPECT_EQ(metric(own, R"(voxgate_relayed_calls{role="owned"})"), 1);

  // The session opened while ringing is the one used: one session in the whole cluster.
  ASSERT_TRUE(ai[own]->events()->wait_for_field("type", "session.update", 5s));
  audio_flows(caller, own, 0x10);
  for (int i = 0; i < n; ++i) EXPECT_EQ(ai[i]->sessions(), i == own ? 1 : 0);

  // AI audio comes back through the relay as media with marks; the handset plays and echoes them.
  ai[own]->send(audio_delta("item_1", std::string(8000, '\x42')));
  auto media = caller.received()->wait_for_field("event", "media", 5s);
  ASSERT_TRUE(media);
  EXPECT_NE(media->find(caller.stream_sid()), std::string::npos);
  ASSERT_TRUE(caller.received()->wait_for_field("event", "mark", 5s));

  // Barge-in across the hop: clear reaches the caller, truncate at what the handset really played.
  ASSERT_TRUE(eventually([&] { return caller.handset().played() >= 300ms; }));
  auto heard_before = caller.handset().played();
  ai[own]->send(R"({"type":"input_audio_buffer.speech_started","audio_start_ms":900,"item_id":"item_user_2"})");
  ASSERT_TRUE(caller.received()->wait_for_field("event", "clear", 5s));
  auto heard_after = caller.handset().played();
  auto truncate = ai[own]->events()->wait_for_field("type", "conversation.item.truncate", 5s);
  ASSERT_TRUE(truncate);
  rapidjson::Document t;
  t.Parse(truncate->c_str());
  EXPECT_GE(t["audio_end_ms"].GetInt(), heard_before.count() - 60);
  EXPECT_LE(t["audio_end_ms"].GetInt(), heard_after.count() + 60);

  // DTMF rides the relay too.
  caller.send_dtmf("7");
  ASSERT_TRUE(ai[own]->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 7") != std::string::npos; }, 5s));

  // Every instance's calls, from any instance: one call, on its owner.
  auto all = get(url((own + 2) % n) + "/calls?scope=cluster");
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_NE(all.body.find(R"({"calls":1,)"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"("instance":"127.0.0.1:)" + std::to_string(port[own]) + R"(","calls":[{"id":")" + sid),
            std::string::npos)
      << all.body;

  // The caller hangs up: the owner ends the call, the relayed socket closes on both sides.
  caller.send_stop(sid);
  EXPECT_TRUE(ai[own]->events()->wait_closed(5s));
  EXPECT_TRUE(caller.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(own, R"(voxgate_calls_total{provider="twilio",outcome="completed"})") == 1 &&
           metric(relay, R"(voxgate_relayed_calls{role="carried"})") == 0 &&
           metric(own, R"(voxgate_relayed_calls{role="owned"})") == 0;
  }));
  EXPECT_NE(log(relay).find("media socket relayed to owner=127.0.0.1:" + std::to_string(port[own])),
            std::string::npos);
}

TEST_F(ClusterTest, ATelnyxCallWhoseHangupReachesAThirdInstanceEndsThere) {
  constexpr const char* ccid = "v3:cluster-telnyx-call-0001";
  constexpr const char* session = "5b0a1c2d-0000-4000-8000-000000000001";
  telnyx.set_gateway(url(0));
  ASSERT_EQ(telnyx.post_event("evt-1", "call.initiated", ccid, session).status, 200u);
  ASSERT_TRUE(telnyx.rest().wait_requests(1, 5s));
  rapidjson::Document answer;
  answer.Parse(telnyx.rest().requests()[0].body.c_str());
  ASSERT_TRUE(answer.IsObject() && answer.HasMember("stream_url"));
  ASSERT_EQ(wait_owner(), 0);

  telnyx.set_gateway(url(1));  // the media stream reaches the second instance
  ASSERT_EQ(telnyx.open_media(answer["stream_url"].GetString(), ""), "");
  telnyx.send_start(ccid, session, "PCMU");
  telnyx.send_media(1, std::string(160, '\x11'));
  auto append = ai[0]->events()->wait_for_field("type", "input_audio_buffer.append", 5s);
  ASSERT_TRUE(append);
  EXPECT_EQ(decoded_audio(*append), std::string(160, '\x11'));
  ai[0]->send(audio_delta("item_1", std::string(4000, '\x42')));
  ASSERT_TRUE(telnyx.received()->wait_for_field("event", "media", 5s));

  // DTMF and the hang-up come as webhooks to the third instance, which forwards them to the owner.
  telnyx.set_gateway(url(2));
  ASSERT_EQ(telnyx.post_event("evt-2", "call.dtmf.received", ccid, session, R"(,"digit":"9")").status, 200u);
  ASSERT_TRUE(ai[0]->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 9") != std::string::npos; }, 5s));
  ASSERT_EQ(telnyx.post_event("evt-3", "call.hangup", ccid, session, R"(,"hangup_cause":"normal_clearing")").status,
            200u);
  EXPECT_TRUE(ai[0]->events()->wait_closed(5s));
  EXPECT_TRUE(telnyx.received()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return metric(0, R"(voxgate_calls_total{provider="telnyx",outcome="completed"})") == 1; }));
  EXPECT_EQ(metric(2, R"(voxgate_cluster_events_total{result="forwarded"})"), 2);
  EXPECT_EQ(metric(0, R"(voxgate_cluster_events_total{result="received"})"), 2);
  EXPECT_EQ(ai[1]->sessions() + ai[2]->sessions(), 0);
}

TEST_F(ClusterTest, TheSameWebhookOnTwoInstancesMakesOneCall) {
  constexpr const char* sid = "CA22222222222222222222222222222222";
  fakes::fake_twilio first(url(0), public_url, auth_token);
  fakes::fake_twilio retried(url(1), public_url, auth_token);
  auto a = first.post_voice_webhook(sid);
  auto b = retried.post_voice_webhook(sid);
  ASSERT_EQ(a.status, 200u);
  ASSERT_EQ(b.status, 200u);
  auto stream = sim::twilio::parse_stream_instruction(b.body);
  ASSERT_TRUE(stream) << b.body;  // the retry is answered as the first was: connect the stream
  ASSERT_EQ(wait_owner(), 0);
  std::this_thread::sleep_for(300ms);  // a second session would have started by now
  EXPECT_EQ(owner(), 0);
  EXPECT_EQ(metric(1, R"(voxgate_webhooks_total{provider="twilio",result="owned_elsewhere"})"), 1);
  auto all = get(url(2) + "/calls?scope=cluster");
  EXPECT_NE(all.body.find(R"({"calls":1,)"), std::string::npos) << all.body;

  // The retry's answer (a token minted by the second instance) streams to the one call.
  fakes::fake_twilio media(url(2), public_url, auth_token);
  ASSERT_EQ(media.open_media(*stream), "");
  media.send_connected();
  media.send_start(sid, stream->parameters);
  audio_flows(media, 0, 0x20);
}

TEST_F(ClusterTest, AnInstanceKilledLosesOnlyItsOwnCalls) {
  constexpr const char* doomed = "CA33333333333333333333333333333333";
  constexpr const char* kept = "CA44444444444444444444444444444444";
  // The doomed call is owned by instance 0, its media on 1; the kept one owned by 1, its media on 2.
  fakes::fake_twilio doomed_hook(url(0), public_url, auth_token), doomed_media(url(1), public_url, auth_token);
  fakes::fake_twilio kept_hook(url(1), public_url, auth_token), kept_media(url(2), public_url, auth_token);
  ASSERT_TRUE(twilio_call(doomed_hook, doomed_media, doomed));
  ASSERT_TRUE(twilio_call(kept_hook, kept_media, kept));
  audio_flows(doomed_media, 0, 0x10);
  std::size_t next = 0;
  ASSERT_TRUE(ai[1]->events()->wait_for_field("type", "session.update", 5s));
  audio_flows(kept_media, 1, 0x30, next);

  gw[0].signal(SIGKILL);
  EXPECT_EQ(gw[0].wait(), -1);
  // The doomed call's socket, carried by instance 1, closes when the relay to its owner goes.
  EXPECT_TRUE(doomed_media.received()->wait_closed(5s));
  // The kept call carries on both ways.
  audio_flows(kept_media, 1, 0x50, next);
  ai[1]->send(audio_delta("item_9", std::string(1600, '\x24')));
  ASSERT_TRUE(kept_media.received()->wait_for_field("event", "media", 5s));
  // The dead instance's directory entries expire; the cluster lists the two left.
  EXPECT_EQ(entry(doomed), 1);
  EXPECT_TRUE(eventually([&] { return entry(doomed) == 0; }, std::chrono::milliseconds(ttl_ms * 3)));
  EXPECT_EQ(entry(kept), 1);  // its owner keeps it fresh
  auto all = get(url(2) + "/calls?scope=cluster");
  EXPECT_NE(all.body.find(R"({"calls":1,)"), std::string::npos) << all.body;
  EXPECT_EQ(all.body.find(std::to_string(port[0])), std::string::npos) << all.body;
  kept_media.send_stop(kept);
  EXPECT_TRUE(ai[1]->events()->wait_closed(5s));
}

TEST_F(ClusterTest, ADrainingOwnerKeepsItsRelayedCallUntilItEnds) {
  constexpr const char* sid = "CA55555555555555555555555555555555";
  fakes::fake_twilio hook(url(0), public_url, auth_token), media(url(1), public_url, auth_token);
  ASSERT_TRUE(twilio_call(hook, media, sid));
  std::size_t next = 0;
  audio_flows(media, 0, 0x10, next);
  gw[0].signal(SIGTERM);  // the deploy: the owner drains
  ASSERT_TRUE(eventually([&] { return get(url(0) + "/readyz").status == 503; }));
  audio_flows(media, 0, 0x40, next);  // still flowing through the relay
  ai[0]->send(audio_delta("item_2", std::string(1600, '\x24')));
  ASSERT_TRUE(media.received()->wait_for_field("event", "media", 5s));
  EXPECT_TRUE(gw[0].running());
  media.send_stop(sid);
  EXPECT_EQ(gw[0].wait(10s), 0);  // the drain ends with the call
  EXPECT_TRUE(media.received()->wait_closed(5s));
}

namespace {

// INTERNAL_PORT: the relay and the instances' /calls on a port of their own, off the providers' and
// the balancer's.
class ClusterInternalPortTest : public ClusterTest {
  bool internal_ports() const override { return true; }
};

}  // namespace

TEST_F(ClusterInternalPortTest, TheInstancesMeetOnTheirOwnPortAndThePublicOneHasNoDoorForThem) {
  constexpr const char* sid = "CA12121212121212121212121212121212";
  fakes::fake_twilio caller(lb_url(), public_url, auth_token);  // both through the load balancer
  int own = relayed_twilio_call(caller, sid);
  ASSERT_GE(own, 0);
  ASSERT_TRUE(ai[own]->events()->wait_for_field("type", "session.update", 5s));
  audio_flows(caller, own, 0x20);  // relayed over the internal ports

  // Every instance's calls, gathered from the others over their internal ports.
  auto all = get(url((own + 1) % n) + "/calls?scope=cluster");
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_NE(all.body.find(R"({"calls":1,)"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"("instance":")" + self_of(own) + R"(","calls":[{"id":")" + sid), std::string::npos)
      << all.body;
  EXPECT_EQ(all.body.find(R"("error")"), std::string::npos) << all.body;

  // A peer's own token opens the relay on the internal port only: the public one has no such door.
  auto token = cluster::relay::peer_token(secret, "127.0.0.1:1", self_of(0), a_minute_on());
  auto frames = std::make_shared<fakes::frame_queue>();
  auto refused = dial_relay_at(url(0), token, frames);
  EXPECT_NE(refused.find("404"), std::string::npos) << "the relay door is not on PORT: " << refused;
  net::ws_channel_ptr peer;
  ASSERT_EQ(dial_relay_at(door_url(0), token, std::make_shared<fakes::frame_queue>(), &peer), "");
  peer->close("done");
  // A peer's /calls token is answered on the internal port, and no longer on PORT.
  auto peer_calls = [&](const std::string& base) {
    net::http_client_request r;
    r.url = base + "/calls";
    r.timeout = 3s;
    r.headers.emplace_back("x-voxgate-peer",
                           cluster::relay::calls_peer_token(secret, "127.0.0.1:1", self_of(0), a_minute_on()));
    return fakes::fetch_sync(io, std::move(r));
  };
  EXPECT_EQ(peer_calls(door_url(0)).status, 200u);
  EXPECT_EQ(peer_calls(url(0)).status, 401u) << "PORT answers operators only";
  // And the internal port serves the instances only: no operator's /calls, no webhook.
  const std::string not_peer = R"(voxgate_ops_requests_refused_total{reason="not_peer"})";
  EXPECT_EQ(metric(0, not_peer), 0);
  EXPECT_EQ(get(door_url(0) + "/calls").status, 401u) << "an operator's token is not an instance's";
  EXPECT_EQ(metric(0, not_peer), 1) << "counted with the operators' refusals";
  fakes::fake_twilio at_the_door(door_url(0), public_url, auth_token);
  EXPECT_EQ(at_the_door.post_voice_webhook("CA34343434343434343434343434343434").status, 404u);
}

namespace {

// An IPv6 pod network: INSTANCE_ADDR=[fd00::7]:8081, the relay and /calls dialled at such addresses.
class ClusterIpv6Test : public ClusterTest {
 protected:
  void SetUp() override {
    // A host without IPv6 (a kernel booted with ipv6.disable=1, some container runtimes) cannot run
    // this; it says so rather than failing on what the gateway does not control.
    if (!fakes::ipv6_loopback_works()) GTEST_SKIP() << "no IPv6 loopback on this host: [::1] cannot be bound";
    ClusterTest::SetUp();
  }
  bool internal_ports() const override { return true; }
  bool ipv6_peers() const override { return true; }
};

}  // namespace

TEST_F(ClusterIpv6Test, InstancesNamedByIpv6AddressesCarryCallsBothWaysOnOneConnection) {
  constexpr const char* there = "CA56565656565656565656565656565656";  // owned by 0, media on 1
  constexpr const char* back = "CA56565656565656565656565656565657";   // owned by 1, media on 0
  // Instance 1 dials its owner at [::1]:port; on one link both ways, so the name the dialled side
  // read back from the token is the one it dials by.
  std::vector<std::unique_ptr<fakes::fake_twilio>> phones;
  calls_each_way(there, back, phones);
  if (HasFatalFailure()) return;

  auto all = get(url(2) + "/calls?scope=cluster");
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_NE(all.body.find(R"("instance":")" + self_of(0) + R"(","calls":[{"id":")" + there), std::string::npos)
      << all.body;
  EXPECT_NE(all.body.find(R"("instance":")" + self_of(1) + R"(","calls":[{"id":")" + back), std::string::npos)
      << all.body;
  EXPECT_EQ(all.body.find(R"("error")"), std::string::npos) << all.body;
  // The carrier dialled its owner by the bracketed name, and the link opened.
  EXPECT_NE(log(1).find("relay to owner=\"" + self_of(0) + "\" open"), std::string::npos) << log(1);
}

namespace {

// Asterisk's AudioSocket beside the cluster: each instance with its TCP listener, which a TCP balancer
// in front would reach at random.
class ClusterAudioSocketTest : public ClusterTest {
 protected:
  static constexpr const char* as_secret = "cluster-as-secret";
  ClusterAudioSocketTest() {
    for (auto& p : as_port) p = fakes::free_port();
  }
  std::vector<std::string> extra_env(int i) const override {
    return {"AUDIOSOCKET_PORT=" + std::to_string(as_port[static_cast<std::size_t>(i)]), "AUDIOSOCKET_HOST=127.0.0.1",
            "AUDIOSOCKET_SECRET=" + std::string(as_secret)};
  }
  // The dialplan's CURL to instance `hook`, its AudioSocket() to instance `media`.
  sim::audiosocket_call::options asterisk(int hook, int media) const {
    sim::audiosocket_call::options o;
    o.gateway = url(hook);
    o.secret = as_secret;
    o.media_port = as_port[static_cast<std::size_t>(media)];
    return o;
  }
  std::array<std::uint16_t, n> as_port{};
};

}  // namespace

TEST_F(ClusterAudioSocketTest, ASocketReachingAnotherInstanceIsCarriedToItsCallWithAudioBothWays) {
  sim::audiosocket_call pbx(asterisk(0, 1));
  auto res = pbx.dial("+4930123456", "100", "businessId=acme");
  ASSERT_EQ(res.status, 200u) << res.body << res.error;
  ASSERT_EQ(wait_owner(), 0);
  ASSERT_TRUE(ai[0]->events()->wait_for_field("type", "session.update", 5s));

  // The UUID frame reaches instance 1, which has no such call: it carries the socket to instance 0.
  ASSERT_EQ(pbx.connect(), "");
  ASSERT_TRUE(eventually([&] { return get(url(0) + "/calls").body.find("streaming") != std::string::npos; }))
      << get(url(0) + "/calls").body;
  EXPECT_EQ(carrier(), 1);
  EXPECT_EQ(metric(1, R"(voxgate_media_sockets_refused_total{provider="audiosocket",reason="unknown_call"})"), 0);

  // The caller's slin reaches the owner's AI as u-law, in order.
  auto said = tone(1600);
  pbx.speak(little_endian(said));
  ASSERT_TRUE(ulaw_is(appended_audio(*ai[0], said.size()), said));

  // The AI's u-law comes back through the carrier as slin frames.
  auto ai_ulaw = ulaw_of(tone(4000, 6000));
  ai[0]->send(audio_delta("item_1", ai_ulaw));
  auto first_200ms = little_endian(samples_of_ulaw(ai_ulaw.substr(0, 1600)));
  std::size_t speech_at = std::string::npos;
  ASSERT_TRUE(eventually([&] { return (speech_at = pbx.audio().find(first_200ms)) != std::string::npos; }));
  ASSERT_TRUE(eventually([&] { return pbx.audio().size() >= speech_at + 8000; }));  // all 500 ms of it, paced
  EXPECT_TRUE(pbx.protocol_errors().empty()) << pbx.protocol_errors().front();

  // Asterisk hangs up at the carrier: the call ends at its owner, completed.
  pbx.hang_up();
  EXPECT_TRUE(ai[0]->events()->wait_closed(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(0, R"(voxgate_calls_total{provider="audiosocket",outcome="completed"})") == 1;
  })) << log(0);
  EXPECT_TRUE(eventually([&] { return metric(1, R"(voxgate_relayed_calls{role="carried"})") == 0; }));
}

TEST_F(ClusterAudioSocketTest, AnUnknownCallsSocketIsRefusedByTheInstanceItReached) {
  sim::audiosocket_call pbx(asterisk(0, 1));
  // A UUID no instance minted: instance 1 asks the directory, finds no owner, and refuses.
  EXPECT_EQ(pbx.connect("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), "");
  EXPECT_TRUE(pbx.wait_ended(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(1, R"(voxgate_media_sockets_refused_total{provider="audiosocket",reason="unknown_call"})") == 1;
  }));
  EXPECT_EQ(carrier(), -1);
}

TEST_F(ClusterAudioSocketTest, DtmfASecondSocketAndTheAisHangupFrameGoThroughTheCarrierAsOnOneInstance) {
  sim::audiosocket_call pbx(asterisk(0, 2));
  ASSERT_EQ(pbx.dial("+4930123456", "100").status, 200u);
  ASSERT_EQ(wait_owner(), 0);
  ASSERT_EQ(pbx.connect(), "");
  ASSERT_TRUE(eventually([&] { return get(url(0) + "/calls").body.find("streaming") != std::string::npos; }));
  EXPECT_EQ(carrier(), 2);

  pbx.send_dtmf('7');
  EXPECT_TRUE(ai[0]->events()->wait_for(
      [](const std::string& f) { return f.find("pressed the key 7") != std::string::npos; }, 5s));

  // The same UUID again, at the third instance: carried, and refused by the owner, whose call streams.
  sim::audiosocket_call again(asterisk(0, 1));
  ASSERT_EQ(again.connect(pbx.uuid()), "");
  EXPECT_TRUE(again.wait_ended(5s));
  EXPECT_TRUE(eventually([&] {
    return metric(0, R"(voxgate_media_sockets_refused_total{provider="audiosocket",reason="already_streaming"})") == 1;
  }));

  // The AI ends the call: Asterisk gets the hang-up frame through the carrier, then the close.
  ai[0]->send(
      R"({"type":"response.function_call_arguments.done","call_id":"call_9","name":"end_call","arguments":"{}"})");
  ASSERT_TRUE(pbx.wait_ended(5s));
  EXPECT_TRUE(pbx.got_hangup_frame());
  EXPECT_TRUE(
      eventually([&] { return metric(0, R"(voxgate_calls_total{provider="audiosocket",outcome="end_call"})") == 1; }));
  EXPECT_TRUE(pbx.protocol_errors().empty()) << pbx.protocol_errors().front();
}

// A UUID frame needs no other credential, and each costs the carrier a Redis GET: while Redis stalls,
// sockets past the bound are refused at once rather than queued behind the directory's own work.
TEST_F(ClusterAudioSocketTest, AFloodOfSocketsWaitingForAStalledDirectoryIsRefusedPastItsBound) {
  redis.signal(SIGSTOP);
  std::vector<int> sockets;
  for (int i = 0; i < 200; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(as_port[1]);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    std::string uuid(16, static_cast<char>(i));
    uuid[6] = 0x40;  // version 4
    auto frame = net::audiosocket::frame(0x01, uuid);
    ASSERT_EQ(::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
    sockets.push_back(fd);
  }
  const std::string busy = R"(voxgate_media_sockets_refused_total{provider="audiosocket",reason="directory_busy"})";
  EXPECT_TRUE(eventually([&] { return metric(1, busy) >= 1; }, 5s)) << log(1);
  redis.signal(SIGCONT);
  for (int fd : sockets) ::close(fd);
  EXPECT_LE(metric(1, busy), 200 - 128);
  // The directory answers again, and the instance with it.
  EXPECT_TRUE(eventually([&] { return metric(1, "voxgate_redis_up") == 1; }, 10s));
}
