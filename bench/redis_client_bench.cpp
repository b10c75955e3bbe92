// The cluster's Redis client (net/redis) against hiredis, Debian's maintained C client, on the
// commands the directory sends: is our own client worth keeping? Both talk to one local redis-server.
//   - one at a time: a command and its reply, N times (ours: run() from this thread, the reply on the
//     client's worker; hiredis: its blocking redisCommandArgv, which a worker could never call);
//   - pipelined: M commands in flight, then every reply (ours: M run()s; hiredis: M
//     redisAppendCommandArgv then M redisGetReply).
// Prints per-command latency percentiles, throughput and the process's CPU per 1000 commands; the
// clients alternate over two rounds (this VM drifts). Built only where libhiredis-dev is installed.
//
//   build/bench/redis_client_bench [N=20000] [M=100000]      (starts redis-server on port 18399)
#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "net/io_runtime.hpp"
#include "net/redis/client.hpp"

namespace {

using namespace voxgate;
using clock_type = std::chrono::steady_clock;
constexpr int port = 18399;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "redis_client_bench: %s\n", what.c_str());
  std::exit(1);
}

double cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

struct result {
  std::vector<double> one_at_a_time_us;
  double one_cpu_per_1000 = 0;
  double pipelined_per_s = 0;
  double pipelined_cpu_per_1000 = 0;
};

// The directory's claim: SET call:<id> <owner> NX PX <ttl>, each on its own key.
std::vector<std::string> claim(const char* who, int i) {
  return {"SET", std::string("bench:") + who + ":" + std::to_string(i), "10.0.0.7:8080", "NX", "PX", "60000"};
}

result run_ours(int n, int m, int round) {
  net::io_runtime io(1);
  io.start();
  net::redis::options o;
  o.port = port;
  o.max_pending = static_cast<std::size_t>(m) + 1;
  net::redis::client client(io, 0, o);
  client.start();
  for (int i = 0; i < 500 && !client.up(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!client.up()) fail("our client did not connect");
  auto tag = "ours" + std::to_string(round);
  result r;
  auto start_cpu = cpu_ms();
  for (int i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    std::promise<bool> done;
    client.run(claim(tag.c_str(), i), [&](net::redis::reply reply) { done.set_value(reply.ok()); });
    if (!done.get_future().get()) fail("our client: SET NX failed");
    r.one_at_a_time_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  r.one_cpu_per_1000 = (cpu_ms() - start_cpu) * 1000 / n;
  std::atomic<int> left{m};
  std::promise<void> all;
  start_cpu = cpu_ms();
  auto t0 = clock_type::now();
  for (int i = 0; i < m; ++i)
    client.run(claim((tag + "p").c_str(), i), [&](net::redis::reply reply) {
      if (!reply.ok()) fail("our client: pipelined SET NX failed: " + reply.text);
      if (--left == 0) all.set_value();
    });
  all.get_future().wait();
  r.pipelined_per_s = m / std::chrono::duration<double>(clock_type::now() - t0).count();
  r.pipelined_cpu_per_1000 = (cpu_ms() - start_cpu) * 1000 / m;
  client.stop();
  io.stop();
  return r;
}

redisReply* command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
}

result run_hiredis(int n, int m, int round) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (!c || c->err) fail("hiredis did not connect");
  auto tag = "hiredis" + std::to_string(round);
  result r;
  auto start_cpu = cpu_ms();
  for (int i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    auto* reply = command(c, claim(tag.c_str(), i));
    if (!reply || reply->type != REDIS_REPLY_STATUS) fail("hiredis: SET NX failed");
    freeReplyObject(reply);
    r.one_at_a_time_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  r.one_cpu_per_1000 = (cpu_ms() - start_cpu) * 1000 / n;
  start_cpu = cpu_ms();
  auto t0 = clock_type::now();
  for (int i = 0; i < m; ++i) {
    auto args = claim((tag + "p").c_str(), i);
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data());
  }
  for (int i = 0; i < m; ++i) {
    void* reply = nullptr;
    if (redisGetReply(c, &reply) != REDIS_OK || !reply) fail("hiredis: pipelined reply missing");
    freeReplyObject(reply);
  }
  r.pipelined_per_s = m / std::chrono::duration<double>(clock_type::now() - t0).count();
  r.pipelined_cpu_per_1000 = (cpu_ms() - start_cpu) * 1000 / m;
  redisFree(c);
  return r;
}

void print(const char* name, int round, result& r) {
  std::printf("| %s | %d | %.1f | %.1f | %.1f | %.0f | %.1f |\n", name, round, percentile(r.one_at_a_time_us, 0.5),
              percentile(r.one_at_a_time_us, 0.99), r.one_cpu_per_1000, r.pipelined_per_s, r.pipelined_cpu_per_1000);
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  int m = argc > 2 ? std::atoi(argv[2]) : 100000;
  if (n <= 0 || m <= 0) fail("usage: redis_client_bench [N] [M]");
  auto start = "redis-server --port " + std::to_string(port) +
               " --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile /dev/null";
  if (std::system(start.c_str()) != 0) fail("cannot start redis-server (scripts/bootstrap.sh --test)");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::printf("command: %s %d %d\n\n", argv[0], n, m);
  std::printf("| client | round | one at a time p50 µs | p99 µs | CPU ms per 1000 | pipelined commands/s | CPU ms per 1000 |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (int round = 1; round <= 2; ++round) {
    auto ours = run_ours(n, m, round);
    print("net/redis (ours, on a worker)", round, ours);
    auto theirs = run_hiredis(n, m, round);
    print("hiredis 0.14 (blocking)", round, theirs);
  }
  std::system(("redis-cli -p " + std::to_string(port) + " shutdown nosave >/dev/null 2>&1").c_str());
  return 0;
}
