// The cluster's Redis client against a real redis-server (Debian's, started here on a free port):
// SET NX ownership with expiry, pipelined replies in order, AUTH and SELECT, and the faults it must
// survive without blocking a worker: the server stopped and back, a server that never answers.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "net/io_runtime.hpp"
#include "net/redis/client.hpp"
#include "tests/fakes/redis_server.hpp"
#include "tests/fakes/shell.hpp"

using namespace voxgate;
using namespace std::chrono_literals;
namespace redis = voxgate::net::redis;

namespace {

// Runs one command and waits for its reply (the test thread may wait; the worker never does).
redis::reply run(redis::client& c, std::vector<std::string> args) {
  auto p = std::make_shared<std::promise<redis::reply>>();  // outlives a timed-out wait
  auto f = p->get_future();
  c.run(std::move(args), [p](redis::reply r) { p->set_value(std::move(r)); });
  if (f.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no reply within 5 s";
    return {};
  }
  return f.get();
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return cond();
}

class RedisClientTest : public ::testing::Test {
 protected:
  net::io_runtime io{1};
  fakes::redis_server server;
  std::mutex m;
  std::vector<std::string> states;

  void SetUp() override {
    ASSERT_EQ(server.start(), "");
    io.start();
  }
  void TearDown() override { io.stop(); }

  std::unique_ptr<redis::client> connect(redis::options o) {
    auto c = std::make_unique<redis::client>(io, 0, std::move(o), [this](bool up, const std::string& why) {
      std::lock_guard lock(m);
      states.push_back((up ? "up: " : "down: ") + why);
    });
    c->start();
    return c;
  }
  std::unique_ptr<redis::client> connect() {
    auto o = redis::parse_url(server.url(), nullptr);
    return connect(*o);
  }
  std::string last_state() {
    std::lock_guard lock(m);
    return states.empty() ? "" : states.back();
  }
};

}  // namespace

TEST(RedisUrl, ReadsHostPortCredentialsAndDatabase) {
  std::string why;
  auto o = redis::parse_url("redis://voxgate:s%40cret@redis.internal:6380/2", &why);
  ASSERT_TRUE(o) << why;
  EXPECT_EQ(o->host, "redis.internal");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->username, "voxgate");
  EXPECT_EQ(o->password, "s@cret");
  EXPECT_EQ(o->db, 2);
  auto plain = redis::parse_url("redis://:pw@10.0.0.5", &why);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->username, "");
  EXPECT_EQ(plain->password, "pw");
  auto v6 = redis::parse_url("redis://[::1]:7000", &why);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
  for (const char* bad : {"http://redis:6379", "redis://", "redis://host:0", "redis://host:99999", "redis://host:ab",
                          "redis://host/abc", "redis://[::1", "redis://ho st"}) {
    EXPECT_FALSE(redis::parse_url(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST_F(RedisClientTest, SetNxOwnsACallOnceUntilItExpires) {
  auto c = connect();
  ASSERT_TRUE(eventually([&] { return c->up(); })) << last_state();
  EXPECT_TRUE(run(*c, {"SET", "call:CA1", "instance-a", "NX", "PX", "60000"}).ok());
  EXPECT_TRUE(run(*c, {"SET", "call:CA1", "instance-b", "NX", "PX", "60000"}).is_nil()) << "a retried webhook elsewhere";
  EXPECT_EQ(run(*c, {"GET", "call:CA1"}).text, "instance-a");
  EXPECT_EQ(run(*c, {"PEXPIRE", "call:CA1", "1"}).integer, 1);
  EXPECT_TRUE(eventually([&] { return run(*c, {"GET", "call:CA1"}).is_nil(); }, 5s)) << "the entry expires";
  EXPECT_TRUE(run(*c, {"SET", "call:CA1", "instance-b", "NX", "PX", "60000"}).ok());
  auto err = run(*c, {"NOSUCHCOMMAND"});
  EXPECT_TRUE(err.is_error());
  EXPECT_TRUE(c->up()) << "an error reply is not a connection fault";
}

TEST_F(RedisClientTest, PipelinedRepliesComeBackInOrder) {
  auto c = connect();
  ASSERT_TRUE(eventually([&] { return c->up(); })) << last_state();
  struct results {  // shared with the callbacks: a failed wait must not leave them writing to the stack
    std::mutex m;
    std::vector<long long> got;
    std::promise<void> all;
  };
  auto r = std::make_shared<results>();
  constexpr std::size_t n = 2000;
  for (std::size_t i = 0; i < n; ++i)
    c->run({"INCR", "counter"}, [r](redis::reply reply) {
      std::lock_guard lock(r->m);
      r->got.push_back(reply.integer);
      if (r->got.size() == n) r->all.set_value();
    });
  ASSERT_EQ(r->all.get_future().wait_for(10s), std::future_status::ready);
  std::lock_guard lock(r->m);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(r->got[i], static_cast<long long>(i + 1));
}

TEST_F(RedisClientTest, AStoppedServerFailsCommandsAtOnceAndTheClientComesBack) {
  redis::options o = *redis::parse_url(server.url(), nullptr);
  o.first_backoff = 50ms;
  o.max_backoff = 200ms;
  auto c = connect(o);
  ASSERT_TRUE(eventually([&] { return c->up(); })) << last_state();
  server.stop();
  ASSERT_TRUE(eventually([&] { return !c->up(); })) << "the client sees the server go";
  auto started = std::chrono::steady_clock::now();
  auto r = run(*c, {"GET", "call:CA2"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "no waiting while Redis is down";
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.text.rfind("ERR redis down", 0), 0u) << r.text;
  EXPECT_NE(last_state().find("down: "), std::string::npos) << last_state();

  ASSERT_EQ(server.start(), "");  // the same port
  ASSERT_TRUE(eventually([&] { return c->up(); })) << last_state();
  EXPECT_TRUE(run(*c, {"SET", "k", "v"}).ok());
}

TEST(RedisClientAuth, AuthenticatesAndSelectsItsDatabase) {
  fakes::redis_server server({"--requirepass", "s3cret"});
  ASSERT_EQ(server.start(), "");
  net::io_runtime io{1};
  io.start();
  std::string why;
  auto o = redis::parse_url("redis://:s3cret@127.0.0.1:" + std::to_string(server.port()) + "/3", &why);
  ASSERT_TRUE(o) << why;
  redis::client c(io, 0, *o);
  c.start();
  ASSERT_TRUE(eventually([&] { return c.up(); }));
  EXPECT_TRUE(run(c, {"SET", "where", "db3"}).ok());
  o->db = 0;
  redis::client other(io, 0, *o);
  other.start();
  ASSERT_TRUE(eventually([&] { return other.up(); }));
  EXPECT_TRUE(run(other, {"GET", "where"}).is_nil()) << "the first client wrote to database 3";

  std::mutex m;
  std::string down;
  o->password = "wrong";
  redis::client refused(io, 0, *o, [&](bool up, const std::string& w) {
    std::lock_guard lock(m);
    if (!up) down = w;
  });
  refused.start();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return !down.empty();
  }));
  std::lock_guard lock(m);
  EXPECT_NE(down.find("set-up refused"), std::string::npos) << down;
  EXPECT_EQ(down.find("wrong"), std::string::npos) << "the password is never in a log line";
  EXPECT_FALSE(refused.up());
}

TEST(RedisClientSilence, AServerThatNeverAnswersIsDroppedAtTheCommandDeadline) {
  fakes::silent_listener listener;
  net::io_runtime io{1};
  io.start();
  redis::options o;
  o.port = listener.port();
  o.command_timeout = 300ms;
  std::mutex m;
  std::string down;
  redis::client c(io, 0, o, [&](bool up, const std::string& w) {
    std::lock_guard lock(m);
    if (!up) down = w;
  });
  c.start();
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return !down.empty();
  }, 3s));
  {
    std::lock_guard lock(m);
    EXPECT_NE(down.find("no reply within 300 ms"), std::string::npos) << down;
  }
  EXPECT_FALSE(c.up());
  c.stop();
  io.stop();
  EXPECT_EQ(run(c, {"PING"}).text, "ERR redis stopped") << "a command after the loop is gone still gets its answer";
}
