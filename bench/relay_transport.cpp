// Which transport should carry a call's media frames between two gateway instances (the cluster
// relay)? Chosen by measurement: this times sequential round trips of one 300-byte text frame (a
// Twilio media message's size) over 127.0.0.1 TCP, in one process, with two sides that each run
// their own event machinery as two instances would:
//   (a) CAF 0.17's own remote actors: libcaf_io, BASP over TCP. Two actor_systems, each with its
//       middleman; the server publishes an echo actor, the client sends requests to it from a
//       scoped_actor. CAF's default configuration (work-stealing scheduler).
//   (b) our WebSocket transport: net::http_server echoing each text frame, net::ws_connect as the
//       client, each on its own one-worker io_runtime.
//   (c) the relay as built on (b): the client's socket reaches instance B, which carries it to A with
//       cluster::relay; (c) minus (b) is what the hop adds to a call's round trip, both ways.
// Each transport gets a warm-up, then N timed round trips (steady_clock around each). It prints
// p50, p99, p99.9 and max in µs, and the process's CPU time (user + sys, all threads) per 1000
// round trips. The transports alternate, (a) (b) (c) (a) (b) (c), so that the VM's drift hits all alike.
//
//   taskset -c 1 build/bench/relay_transport [N=20000]
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/metrics.hpp"
#include "cluster/relay.hpp"
#include "net/http_server.hpp"
#include "net/providers/registry.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_client.hpp"

namespace {

using namespace voxgate;
using clock_type = std::chrono::steady_clock;

constexpr int warmup_round_trips = 2000;
constexpr int rounds = 2;
constexpr std::size_t frame_bytes = 300;
// A reply or a close that takes longer than this is a failure.
constexpr auto wait_limit = std::chrono::seconds(10);

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "relay_transport: %s\n", what.c_str());
  std::exit(1);
}

// A Twilio media message padded to frame_bytes with mu-law silence ("////" in base64).
std::string media_frame() {
  const std::string head = R"({"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"3",)"
                           R"("timestamp":"60","payload":")";
  const std::string tail = R"("},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"})";
  return head + std::string(frame_bytes - head.size() - tail.size(), '/') + tail;
}

double process_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

struct measurement {
  std::vector<double> round_trip_us;  // sorted
  double cpu_ms_per_1000 = 0;
};

// Warms up, then times n calls of round_trip() one by one.
template <class RoundTrip>
measurement measure(int n, RoundTrip&& round_trip) {
  for (int i = 0; i < warmup_round_trips; ++i) round_trip();
  measurement m;
  m.round_trip_us.reserve(n);
  double cpu_before = process_cpu_ms();
  for (int i = 0; i < n; ++i) {
    auto start = clock_type::now();
    round_trip();
    m.round_trip_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  m.cpu_ms_per_1000 = (process_cpu_ms() - cpu_before) * 1000 / n;
  std::sort(m.round_trip_us.begin(), m.round_trip_us.end());
  return m;
}

// ---- (a) CAF io: remote actors over BASP ----

caf::behavior echo_actor(caf::event_based_actor*) {
  return {[](std::string& frame) { return std::move(frame); }};
}

measurement run_caf_io(int n, const std::string& frame) {
  caf::actor_system_config server_cfg;
  server_cfg.load<caf::io::middleman>();
  caf::actor_system server{server_cfg};
  caf::actor_system_config client_cfg;
  client_cfg.load<caf::io::middleman>();
  caf::actor_system client{client_cfg};

  auto echo = server.spawn(echo_actor);
  auto port = server.middleman().publish(echo, 0, "127.0.0.1");
  if (!port) fail("CAF io publish failed: " + server.render(port.error()));
  auto remote = client.middleman().remote_actor("127.0.0.1", *port);
  if (!remote) fail("CAF io remote_actor failed: " + client.render(remote.error()));

  caf::scoped_actor self{client};
  std::string error;
  auto m = measure(n, [&] {
    self->request(*remote, caf::infinite, frame)
        .receive(
            [&](std::string& reply) {
              if (reply != frame) error = "CAF io echoed a different frame";
            },
            [&](caf::error& e) { error = "CAF io request failed: " + client.render(e); });
    if (!error.empty()) fail(error);
  });
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  return m;  // the systems stop here: client first, then server
}

// ---- (b) our WebSocket transport ----

// Server side: sends each text frame back on the channel it came in on.
class echo_sink final : public net::ws_sink {
 public:
  void open(const net::ws_channel_ptr& channel) { channel_ = channel; }  // before the first frame
  void on_text(std::string&& frame) override {
    if (auto channel = channel_.lock()) channel->send_text(std::move(frame));
  }
  void on_closed(std::string) override { closed_.set_value(); }
  bool await_closed() { return closed_.get_future().wait_for(wait_limit) == std::future_status::ready; }

 private:
  std::weak_ptr<net::ws_channel> channel_;  // weak: the channel holds this sink
  std::promise<void> closed_;
};

// Client side: hands each echoed frame to the thread that waits for it.
class reply_sink final : public net::ws_sink {
 public:
  void on_text(std::string&& frame) override {
    publish([&] {
      reply_ = std::move(frame);
      has_reply_ = true;
    });
  }
  void on_closed(std::string) override {
    publish([&] { closed_ = true; });
  }

  std::string await_reply() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, wait_limit, [&] { return has_reply_ || closed_; }) || !has_reply_)
      fail("WebSocket: no echo (connection closed or timed out)");
    has_reply_ = false;
    return std::move(reply_);
  }
  bool await_closed() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait_limit, [&] { return closed_; });
  }

 private:
  template <class Change>
  void publish(Change&& change) {
    {
      std::lock_guard lock(mutex_);
      change();
    }
    changed_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::string reply_;
  bool has_reply_ = false;
  bool closed_ = false;
};

net::ws_channel_ptr connect(net::io_runtime& io, std::uint16_t port, std::shared_ptr<net::ws_sink> sink) {
  net::ws_connect_options options;
  options.url = "ws://127.0.0.1:" + std::to_string(port) + "/relay";
  std::promise<net::ws_channel_ptr> opened;
  std::string error;
  net::ws_connect(io, options, std::move(sink), [&](net::ws_channel_ptr channel, std::string e) {
    error = std::move(e);
    opened.set_value(std::move(channel));
  });
  auto channel = opened.get_future().get();
  if (!channel) fail("WebSocket connect failed: " + error);
  return channel;
}

measurement run_websocket(int n, const std::string& frame) {
  net::io_runtime server_io(1), client_io(1);
  net::http_server server(server_io, {.host = "127.0.0.1", .port = 0});
  auto server_side = std::make_shared<echo_sink>();
  server.route_ws("/relay", [&](const net::http_request&) {
    net::upgrade_decision d;
    d.accept = true;
    d.handshake_mode = false;
    d.sink = server_side;
    d.on_open = [server_side](net::ws_channel_ptr channel) { server_side->open(channel); };
    return d;
  });
  if (auto error = server.start(); !error.empty()) fail("WebSocket server: " + error);
  server_io.start();
  client_io.start();

  auto client_side = std::make_shared<reply_sink>();
  auto channel = connect(client_io, server.port(), client_side);
  auto m = measure(n, [&] {
    channel->send_text(frame);
    if (client_side->await_reply() != frame) fail("WebSocket echoed a different frame");
  });

  channel->close("done");
  if (!client_side->await_closed() || !server_side->await_closed()) fail("WebSocket: the close did not complete");
  server.stop();
  server_io.stop();
  client_io.stop();
  return m;
}

// ---- (c) the cluster's relay itself: the WebSocket of (b) with cluster::relay on both ends ----
// The client's socket reaches instance B, which carries it (cluster::relay::carry) to A over the
// relay connection; A presents it as a relay_channel whose sink echoes. Against (b), what the relay
// adds to a round trip: both directions of the hop, B's extra socket and A's demultiplexing.

// On A: echoes each frame on the relay channel it came on; leaves handshake mode at the first.
class channel_echo final : public net::ws_sink, public std::enable_shared_from_this<channel_echo> {
 public:
  explicit channel_echo(net::ws_channel_ptr channel) : channel_(channel) {}
  void on_text(std::string&& frame) override {
    auto channel = channel_.lock();
    if (!channel) return;
    channel->send_text(std::move(frame));
    if (!attached_) {
      attached_ = true;
      channel->attach(shared_from_this());
    }
  }
  void on_closed(std::string) override {}

 private:
  std::weak_ptr<net::ws_channel> channel_;
  bool attached_ = false;
};

const net::providers::set providers{{}};
const cluster::provider_lookup by_name = [](std::string_view name) { return providers.find(name); };

// On B: the socket's first frame (as a provider's start) names the owner; the socket goes there.
class carry_on_first final : public net::ws_sink {
 public:
  carry_on_first(cluster::relay& relay, std::function<std::string()> owner) : relay_(relay), owner_(owner) {}
  void bind(const net::ws_channel_ptr& channel) { channel_ = channel; }
  void on_text(std::string&& frame) override {
    if (auto channel = channel_.lock())
      relay_.carry(channel, providers.find("twilio"), "", std::move(frame), owner_());
  }
  void on_closed(std::string) override {}

 private:
  cluster::relay& relay_;
  std::function<std::string()> owner_;
  std::weak_ptr<net::ws_channel> channel_;
};

measurement run_relay(int n, const std::string& frame) {
  const std::string secret = "relay-transport-bench-secret";
  net::io_runtime a_io(1), b_io(1), client_io(1);
  actors::metrics_registry a_metrics, b_metrics;
  net::http_server a_server(a_io, {.host = "127.0.0.1", .port = 0});
  net::http_server b_server(b_io, {.host = "127.0.0.1", .port = 0});
  for (auto* server : {&a_server, &b_server})  // bound now, served once the runtimes start
    if (auto error = server->start(); !error.empty()) fail("relay server: " + error);
  auto a_address = "127.0.0.1:" + std::to_string(a_server.port());
  auto echo = [](net::ws_channel_ptr channel, actors::provider_ptr, std::string) {
    return std::shared_ptr<net::ws_sink>(std::make_shared<channel_echo>(channel));
  };
  auto no_event = [](actors::provider_event) {};
  cluster::relay a_relay(a_io, {.self = a_address, .secret = secret, .providers = by_name}, echo, no_event, a_metrics);
  cluster::relay b_relay(b_io, {.self = "127.0.0.1:" + std::to_string(b_server.port()), .secret = secret, .providers = by_name}, echo,
                         no_event, b_metrics);
  a_server.route_ws(std::string(cluster::relay::path),
                    [&](const net::http_request& req) { return a_relay.accept(req); });
  b_server.route_ws("/relay", [&](const net::http_request&) {
    auto sink = std::make_shared<carry_on_first>(b_relay, [&] { return a_address; });
    net::upgrade_decision d;
    d.accept = true;
    d.sink = sink;
    d.on_open = [sink](net::ws_channel_ptr channel) { sink->bind(channel); };
    return d;
  });
  a_io.start();
  b_io.start();
  client_io.start();
  auto client_side = std::make_shared<reply_sink>();
  auto channel = connect(client_io, b_server.port(), client_side);
  auto m = measure(n, [&] {
    channel->send_text(frame);
    if (client_side->await_reply() != frame) fail("the relay echoed a different frame");
  });
  channel->close("done");
  if (!client_side->await_closed()) fail("relay: the close did not complete");
  b_relay.stop();
  a_relay.stop();
  for (auto* server : {&a_server, &b_server}) server->stop();
  for (auto* io : {&a_io, &b_io, &client_io}) io->stop();
  return m;
}

// ---- report ----

struct row {
  const char* transport;
  int round;
  measurement m;
};

double percentile(const std::vector<double>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void print_table(const std::vector<row>& rows) {
  std::printf("| transport | round | p50 µs | p99 µs | p99.9 µs | max µs | CPU ms per 1000 round trips |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    const auto& us = r.m.round_trip_us;
    std::printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |\n", r.transport, r.round, percentile(us, 0.50),
                percentile(us, 0.99), percentile(us, 0.999), us.back(), r.m.cpu_ms_per_1000);
  }
}

void print_command(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  cpu_set_t allowed;
  int cpus = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : -1;
  std::printf("command: %s (CPUs allowed: %d)\n\n", line.c_str(), cpus);
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  if (n <= 0) fail("usage: relay_transport [round trips, default 20000]");
  print_command(argc, argv);
  spdlog::set_level(spdlog::level::warn);  // the server's "upgrade ..." line would split the table
  std::printf("%d round trips of a %zu-byte text frame after %d warm-up, one at a time, over 127.0.0.1\n\n", n,
              frame_bytes, warmup_round_trips);

  const std::string frame = media_frame();
  std::vector<row> rows;
  for (int round = 1; round <= rounds; ++round) {
    rows.push_back({"CAF io (BASP)", round, run_caf_io(n, frame)});
    rows.push_back({"WebSocket (net)", round, run_websocket(n, frame)});
    rows.push_back({"cluster relay (B carries to A)", round, run_relay(n, frame)});
  }
  print_table(rows);
  return 0;
}
