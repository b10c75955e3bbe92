// The cluster as deployed, for the cluster tests: a real redis-server, three voxgate processes (the
// built binary) and HAProxy round-robin in front, each instance with its own fake OpenAI (so a session
// shows which instance owns a call).
#pragma once

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

namespace voxgate::testing {

constexpr const char* public_url = "https://gw.example.test";
constexpr const char* auth_token = "test-twilio-auth-token";
constexpr const char* openai_key = "test-openai-key";
constexpr const char* secret = "cluster-test-secret-0123456789";
constexpr const char* ops_token = "cluster-test-ops-token";
constexpr int ttl_ms = 2000;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string decoded_audio(const std::string& json) {
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
      if (internal_ports()) internal[i] = fakes::free_port();
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
  virtual std::string ops_token_of(int) const { return ops_token; }
  // Each instance's doors for the others on a port of their own (INTERNAL_PORT).
  virtual bool internal_ports() const { return false; }
  // The instances named by IPv6 addresses (an IPv6 pod network): each listens on every address
  // (HOST=::) and the others reach it at [::1].
  virtual bool ipv6_peers() const { return false; }

  // Dials instance i's relay door as a peer would, with `token` (none when empty); the error, or
  // empty when it opened (the channel then in *out).
  std::string dial_relay(int i, const std::string& token, std::shared_ptr<fakes::frame_queue> frames,
                         net::ws_channel_ptr* out = nullptr) {
    return dial_relay_at(door_url(i), token, std::move(frames), out);
  }
  // The same at any base URL (http://host:port).
  std::string dial_relay_at(const std::string& base, const std::string& token,
                            std::shared_ptr<fakes::frame_queue> frames, net::ws_channel_ptr* out = nullptr) {
    std::promise<std::string> result;
    net::ws_connect_options o;
    o.url = std::string(base).replace(0, 4, "ws") + "/internal/relay";
    if (!token.empty()) o.headers = {{"x-voxgate-peer", token}};
    o.timeout = 5000ms;
    net::ws_connect(io, o, std::make_shared<fakes::queue_sink>(frames), [&](net::ws_channel_ptr c, std::string e) {
      if (out) *out = c;
      result.set_value(c ? "" : e);
    });
    return result.get_future().get();
  }
  // An instance's address as the cluster names it, and a token expiry a minute from now.
  std::string self_of(int i) const {
    return (ipv6_peers() ? "[::1]:" : "127.0.0.1:") + std::to_string(internal[i] ? internal[i] : port[i]);
  }
  static std::int64_t a_minute_on() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() + 60;
  }

  void start_instance(int i) {
    std::vector<std::string> env = {
        ipv6_peers() ? "HOST=::" : "HOST=127.0.0.1",
        "PORT=" + std::to_string(port[i]),
        "INSTANCE_ADDR=" + self_of(i),
        "PUBLIC_URL=" + std::string(public_url),
        "REDIS_URL=" + redis.url(),
        "CALL_TOKEN_SECRET=" + std::string(secret),
        "OPS_TOKEN=" + ops_token_of(i),
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
    if (internal[i]) env.push_back("INTERNAL_PORT=" + std::to_string(internal[i]));
    for (auto& e : extra_env(i)) env.push_back(e);
    ASSERT_EQ(gw[i].start({VOXGATE_BINARY, "serve"}, env, dir + "/gw" + std::to_string(i) + ".log"), "");
  }

  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(port[i]); }
  std::string door_url(int i) const { return "http://" + self_of(i); }  // where the other instances reach i
  std::string lb_url() const { return "http://127.0.0.1:" + std::to_string(lb_port); }
  std::string log(int i) const { return read_file(dir + "/gw" + std::to_string(i) + ".log"); }

  // As an operator would: with the bearer token that /calls needs.
  net::http_client_response get(const std::string& full_url) {
    net::http_client_request r;
    r.url = full_url;
    r.timeout = 3s;
    r.headers.emplace_back("authorization", "Bearer " + std::string(ops_token));
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

  // A Twilio call whose webhook and media both go through the balancer, which sends them to different
  // instances (round-robin): returns the owner, -1 (with a failure) when it did not go so.
  int relayed_twilio_call(fakes::fake_twilio& caller, const std::string& sid) {
    if (!twilio_call(caller, caller, sid)) return -1;
    int own = wait_owner();
    if (own < 0) {
      ADD_FAILURE() << "no instance owns the call";
      return -1;
    }
    if (!eventually([&] { return carrier() >= 0; })) {
      ADD_FAILURE() << "round-robin sent the media to the owner";
      return -1;
    }
    return own;
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

  // Two calls carried between instances 0 and 1, one each way: `there` owned by 0 with its media on
  // 1, `back` owned by 1 with its media on 0, audio both ways in each, on one relay connection (each
  // dial logs "relay to owner="). The calls live as long as `phones` (their provider sides) do.
  void calls_each_way(const char* there, const char* back, std::vector<std::unique_ptr<fakes::fake_twilio>>& phones) {
    for (int hook : {0, 1, 1, 0}) phones.push_back(std::make_unique<fakes::fake_twilio>(url(hook), public_url, auth_token));
    auto& there_media = *phones[1];
    auto& back_media = *phones[3];
    ASSERT_TRUE(twilio_call(*phones[0], there_media, there));
    ASSERT_TRUE(ai[0]->events()->wait_for_field("type", "session.update", 5s));
    audio_flows(there_media, 0, 0x10);
    ASSERT_TRUE(twilio_call(*phones[2], back_media, back));
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

  std::string dir;
  fakes::redis_server redis;
  fakes::fake_telnyx telnyx;
  std::array<std::unique_ptr<fakes::fake_openai>, n> ai;
  std::array<std::uint16_t, n> port{};
  std::array<std::uint16_t, n> internal{};  // 0: the instances' doors are on port
  std::array<fakes::child_process, n> gw;
  fakes::child_process haproxy;
  std::uint16_t lb_port = 0;
  net::io_runtime io{1};
  std::unique_ptr<net::redis::client> check;  // the test's own look at the directory
};

}  // namespace voxgate::testing
