// The cluster as deployed: a real redis-server, three voxgate processes (the built binary) and HAProxy
// round-robin in front, each instance with its own fake OpenAI (so a session shows which instance
// owns a call). A call's webhook and its media reach different instances; the media is carried to the
// owner, whose AI session (opened while the phone rang) is the one used.
#include <signal.h>
#include <stdlib.h>

#include <array>
#include <fstream>
#include <future>
#include <sstream>

#include "cluster/relay.hpp"
#include "gateway_fixture.hpp"
#include "net/call_token.hpp"
#include "net/redis/client.hpp"
#include "net/ws_client.hpp"
#include "tests/fakes/child_process.hpp"
#include "tests/fakes/fake_telnyx.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tests/fakes/redis_server.hpp"
#include "tests/fakes/shell.hpp"
#include "tools/sim/telnyx_caller.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* public_url = "https://gw.example.test";
constexpr const char* auth_token = "test-twilio-auth-token";
constexpr const char* openai_key = "test-openai-key";
constexpr const char* secret = "cluster-test-secret-0123456789";
constexpr int ttl_ms = 2000;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string decoded_audio(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return *codecs::base64::decode(d["audio"].GetString());
}

class ClusterTest : public ::testing::Test {
 protected:
  static constexpr int n = 3;

  void SetUp() override {
    io.start();
    char tmpl[] = "/tmp/voxgate-cluster-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    ASSERT_EQ(redis.start(), "");
    ASSERT_EQ(telnyx.start_rest(), "");
    for (int i = 0; i < n; ++i) {
      ai[i] = std::make_unique<fakes::fake_openai>(openai_key);
      ASSERT_EQ(ai[i]->start(), "");
      port[i] = fakes::free_port();
      start_instance(i);
    }
    for (int i = 0; i < n; ++i) ASSERT_TRUE(fakes::wait_accepting(port[i], 10s, &gw[i])) << log(i);
    lb_port = fakes::free_port();
    std::ofstream cfg(dir + "/haproxy.cfg");
    cfg << "global\n  maxconn 256\n"
        << "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
        << "  timeout tunnel 1h\n"
        << "frontend calls\n  bind 127.0.0.1:" << lb_port << "\n  default_backend voxgate\n"
        << "backend voxgate\n  balance roundrobin\n  option httpchk GET /readyz\n";
    for (int i = 0; i < n; ++i)
      cfg << "  server gw" << i << " 127.0.0.1:" << port[i] << " check inter 300ms fall 1 rise 1\n";
    cfg.close();
    ASSERT_EQ(haproxy.start({"haproxy", "-f", dir + "/haproxy.cfg", "-db"}, {}, dir + "/haproxy.log"), "");
    ASSERT_TRUE(fakes::wait_accepting(lb_port, 5s, &haproxy)) << read_file(dir + "/haproxy.log");
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(eventually([&] { return metric(i, "voxgate_redis_up") == 1; }, 10s)) << log(i);
  }

  void TearDown() override {
    if (check) check->stop();
    haproxy.signal(SIGTERM);
    for (auto& g : gw) g.signal(SIGKILL);
    if (HasFailure())
      for (int i = 0; i < n; ++i) std::printf("---- instance %d (%s)\n%s\n", i, url(i).c_str(), log(i).c_str());
    fakes::run_command("rm -rf " + dir);
  }

  // Settings of one instance beyond the cluster's own.
  virtual std::vector<std::string> extra_env(int) const { return {}; }

  void start_instance(int i) {
    std::vector<std::string> env = {
        "HOST=127.0.0.1",
        "PORT=" + std::to_string(port[i]),
        "INSTANCE_ADDR=127.0.0.1:" + std::to_string(port[i]),
        "PUBLIC_URL=" + std::string(public_url),
        "REDIS_URL=" + redis.url(),
        "CALL_TOKEN_SECRET=" + std::string(secret),
        "CLUSTER_TTL_MS=" + std::to_string(ttl_ms),
        "WORKERS=2",  // sockets of one call may sit on different workers: the relay must keep order
        "OVERLOAD_LAG_MS=0",
        "DRAIN_TIMEOUT=20",
        "AI_BACKEND=openai-realtime",
        "OPENAI_API_KEY=" + std::string(openai_key),
        "OPENAI_REALTIME_URL=" + ai[i]->url(),
        "TWILIO_AUTH_TOKEN=" + std::string(auth_token),
        "TELNYX_PUBLIC_KEY=" + telnyx.public_key(),
        "TELNYX_API_KEY=test-telnyx-key",
        "TELNYX_API_BASE=" + telnyx.rest_base(),
    };
    for (auto& e : extra_env(i)) env.push_back(e);
    ASSERT_EQ(gw[i].start({VOXGATE_BINARY, "serve"}, env, dir + "/gw" + std::to_string(i) + ".log"), "");
  }

  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(port[i]); }
  std::string lb_url() const { return "http://127.0.0.1:" + std::to_string(lb_port); }
  std::string log(int i) const { return read_file(dir + "/gw" + std::to_string(i) + ".log"); }

  net::http_client_response get(const std::string& full_url) {
    net::http_client_request r;
    r.url = full_url;
    r.timeout = 3s;
    return fakes::fetch_sync(io, std::move(r));
  }
  long metric(int i, const std::string& series) {
    auto body = get(url(i) + "/metrics").body;
    auto at = body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stol(body.substr(at + series.size() + 2));
  }
  // The instance whose AI has a session: the call's owner (-1: none yet, -2: more than one).
  int owner() {
    int found = -1;
    for (int i = 0; i < n; ++i)
      if (ai[i]->sessions() > 0) found = found == -1 ? i : -2;
    return found;
  }
  int wait_owner() {
    eventually([&] { return owner() >= 0; });
    return owner();
  }
  // The instance that carries a relayed media socket.
  int carrier() {
    for (int i = 0; i < n; ++i)
      if (metric(i, R"(voxgate_relayed_calls{role="carried"})") > 0) return i;
    return -1;
  }

  // 1 when the call's directory entry exists, 0 when not, -1 when Redis did not answer.
  long long entry(const std::string& call_id) {
    if (!check) {
      check = std::make_unique<net::redis::client>(io, 0, *net::redis::parse_url(redis.url(), nullptr));
      check->start();
    }
    eventually([&] { return check->up(); });
    std::promise<net::redis::reply> p;
    auto f = p.get_future();
    check->run({"EXISTS", "voxgate:call:" + call_id}, [&p](net::redis::reply r) { p.set_value(std::move(r)); });
    auto r = f.get();
    return r.is_error() ? -1 : r.integer;
  }

  // A Twilio call: the webhook to `hook_at`, its media to `media_at` (base URLs). Returns the stream.
  std::optional<fakes::twiml_stream> twilio_call(fakes::fake_twilio& hook, fakes::fake_twilio& media,
                                                 const std::string& sid) {
    auto res = hook.post_voice_webhook(sid, "businessId=acme");
    EXPECT_EQ(res.status, 200u) << res.body << res.error;
    auto stream = sim::twilio::parse_stream_instruction(res.body);
    EXPECT_TRUE(stream) << res.body;
    if (!stream) return std::nullopt;
    EXPECT_EQ(media.open_media(*stream), "");
    media.send_connected();
    media.send_start(sid, stream->parameters);
    return stream;
  }

  // Caller audio reaches `owner`'s AI in order. `next` is where to look among the session's events
  // (0 for its first audio); it is moved past what was found.
  void audio_flows(fakes::fake_twilio& caller, int owner, char tag, std::size_t& next) {
    std::vector<std::string> sent;
    for (int i = 0; i < 5; ++i) {
      sent.emplace_back(160, static_cast<char>(tag + i));
      caller.send_media(sent.back());
    }
    for (int i = 0; i < 5; ++i) {
      std::size_t at = 0;
      auto append = ai[owner]->events()->wait_for_field("type", "input_audio_buffer.append", 5s, next, &at);
      ASSERT_TRUE(append) << "append " << i;
      EXPECT_EQ(decoded_audio(*append), sent[static_cast<std::size_t>(i)]);
      next = at + 1;
    }
  }
  void audio_flows(fakes::fake_twilio& caller, int owner, char tag) {
    std::size_t next = 0;
    audio_flows(caller, owner, tag, next);
  }

  std::string dir;
  fakes::redis_server redis;
  fakes::fake_telnyx telnyx;
  std::array<std::unique_ptr<fakes::fake_openai>, n> ai;
  std::array<std::uint16_t, n> port{};
  std::array<fakes::child_process, n> gw;
  fakes::child_process haproxy;
  std::uint16_t lb_port = 0;
  net::io_runtime io{1};
  std::unique_ptr<net::redis::client> check;  // the test's own look at the directory
};

}  // namespace

TEST_F(ClusterTest, ATwilioCallWhoseWebhookAndMediaReachDifferentInstancesCarriesAudioBothWaysWithABargeIn) {
  constexpr const char* sid = "CA11111111111111111111111111111111";
  fakes::fake_twilio caller(lb_url(), public_url, auth_token);  // both through the load balancer
  auto stream = twilio_call(caller, caller, sid);
  ASSERT_TRUE(stream);
  int own = wait_owner();
  ASSERT_GE(own, 0);
  ASSERT_TRUE(eventually([&] { return carrier() >= 0; })) << "round-robin sent the media to the owner";
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
  auto dial = [&](const std::string& token, std::shared_ptr<fakes::frame_queue> frames,
                  net::ws_channel_ptr* out = nullptr) {
    std::promise<std::string> result;
    net::ws_connect_options o;
    o.url = "ws://127.0.0.1:" + std::to_string(port[0]) + "/internal/relay";
    if (!token.empty()) o.headers = {{"x-voxgate-peer", token}};
    o.timeout = 5000ms;
    net::ws_connect(io, o, std::make_shared<fakes::queue_sink>(frames), [&](net::ws_channel_ptr c, std::string e) {
      if (out) *out = c;
      result.set_value(c ? "" : e);
    });
    return result.get_future().get();
  };
  auto later = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count() + 60;
  auto self = "127.0.0.1:" + std::to_string(port[0]);
  auto frames = std::make_shared<fakes::frame_queue>();
  EXPECT_NE(dial("", frames), "");                                                                 // no token
  EXPECT_NE(dial(cluster::relay::peer_token("another-secret-0123456", "x", self, later), frames), "");  // not our secret
  EXPECT_NE(dial(net::mint_call_token(secret, "peer:x:to:" + self, later), frames), "");  // a media token's key
  EXPECT_NE(dial(cluster::relay::peer_token(secret, "x", "127.0.0.1:1", later), frames), "");  // for another instance
  EXPECT_NE(dial(cluster::relay::peer_token(secret, "x", self, later - 120), frames), "");     // expired
  EXPECT_EQ(metric(0, R"(voxgate_ws_upgrade_attempts_total{path="/internal/relay",result="refused",reason="bad_peer_token"})"), 5);

  // A peer of the cluster that sends something that is not a relay message is cut off.
  net::ws_channel_ptr peer;
  ASSERT_EQ(dial(cluster::relay::peer_token(secret, "127.0.0.1:1", self, later), frames, &peer), "");
  peer->send_text("hello");
  EXPECT_TRUE(frames->wait_closed(5s));
  EXPECT_EQ(metric(0, R"(voxgate_bad_frames_total{source="relay",reason="malformed"})"), 1);
  // A channel opened for a call this instance does not have is refused, and nothing is carried on.
  frames = std::make_shared<fakes::frame_queue>();
  ASSERT_EQ(dial(cluster::relay::peer_token(secret, "127.0.0.1:1", self, later), frames, &peer), "");
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
  constexpr const char* there = "CA99999999999999999999999999999992";  // owned by 0, media on 1
  constexpr const char* back = "CA99999999999999999999999999999993";   // owned by 1, media on 0
  fakes::fake_twilio there_hook(url(0), public_url, auth_token), there_media(url(1), public_url, auth_token);
  fakes::fake_twilio back_hook(url(1), public_url, auth_token), back_media(url(0), public_url, auth_token);
  ASSERT_TRUE(twilio_call(there_hook, there_media, there));
  audio_flows(there_media, 0, 0x10);
  ASSERT_TRUE(twilio_call(back_hook, back_media, back));
  ASSERT_TRUE(ai[1]->events()->wait_for_field("type", "session.update", 5s));
  audio_flows(back_media, 1, 0x30);
  ai[0]->send(audio_delta("item_1", std::string(1600, '\x24')));
  ai[1]->send(audio_delta("item_2", std::string(1600, '\x25')));
  ASSERT_TRUE(there_media.received()->wait_for_field("event", "media", 5s));
  ASSERT_TRUE(back_media.received()->wait_for_field("event", "media", 5s));
  auto dialled = [](const std::string& log) {
    std::size_t n = 0;
    for (auto at = log.find("relay to owner="); at != std::string::npos; at = log.find("relay to owner=", at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(dialled(log(0)) + dialled(log(1)), 1u) << log(0) << log(1);  // one connection, both ways
  EXPECT_EQ(metric(0, R"(voxgate_relayed_calls{role="carried"})"), 1);
  EXPECT_EQ(metric(0, R"(voxgate_relayed_calls{role="owned"})"), 1);
}
