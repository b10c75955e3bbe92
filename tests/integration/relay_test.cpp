// The relay on its own, in one process: instance B carries a socket to instance A, where the relay
// channel stands in for it. What a channel does when its call is slow to take it, or never does, and
// a provider's binary frames (Vonage's raw audio) crossing both ways.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "actors/metrics.hpp"
#include "cluster/relay.hpp"
#include "net/http_server.hpp"
#include "net/providers/registry.hpp"
#include "net/ws_client.hpp"
#include "tests/fakes/frame_queue.hpp"

using namespace voxgate;
using namespace std::chrono_literals;

namespace {

const net::providers::set providers{{}};
const cluster::provider_lookup by_name = [](std::string_view name) { return providers.find(name); };

// On B: the socket's first frame (as a provider's start) sends the socket to A.
class carry_on_first final : public net::ws_sink {
 public:
  carry_on_first(cluster::relay& relay, std::string owner, std::string provider)
      : relay_(relay), owner_(std::move(owner)), provider_(std::move(provider)) {}
  void bind(const net::ws_channel_ptr& channel) { channel_ = channel; }
  void on_text(std::string&& frame) override {
    if (auto channel = channel_.lock()) relay_.carry(channel, providers.find(provider_), "", std::move(frame), owner_);
  }
  void on_closed(std::string) override {}

 private:
  cluster::relay& relay_;
  std::string owner_;
  std::string provider_;
  std::weak_ptr<net::ws_channel> channel_;
};

// Records text and binary frames alike, in order, each with its kind.
class kind_sink final : public net::ws_sink {
 public:
  void on_text(std::string&& frame) override { add(false, std::move(frame)); }
  bool takes_binary() const override { return true; }
  void on_binary(std::string&& frame) override { add(true, std::move(frame)); }
  void on_closed(std::string) override {}
  std::vector<std::pair<bool, std::string>> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return frames_.size() >= n; });
    return frames_;
  }

 private:
  void add(bool binary, std::string frame) {
    std::lock_guard lock(mutex_);
    frames_.emplace_back(binary, std::move(frame));
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<bool, std::string>> frames_;
};

class RelayTest : public ::testing::Test {
 protected:
  // The provider whose socket B carries, and the sink of its far end (the provider's side).
  virtual std::string provider() const { return "twilio"; }
  virtual std::shared_ptr<net::ws_sink> caller_sink() { return std::make_shared<fakes::queue_sink>(at_caller); }

  void SetUp() override {
    ASSERT_EQ(a_server.start(), "");
    ASSERT_EQ(b_server.start(), "");
    a_address = "127.0.0.1:" + std::to_string(a_server.port());
    auto on_open = [this](net::ws_channel_ptr channel, actors::provider_ptr, std::string) {
      opened.set_value(channel);
      return std::shared_ptr<net::ws_sink>(std::make_shared<fakes::queue_sink>(at_owner));
    };
    auto no_event = [](actors::provider_event) {};
    a_relay = std::make_unique<cluster::relay>(a_io, cluster::relay_settings{.self = a_address, .secret = secret, .providers = by_name},
                                               on_open, no_event, a_metrics);
    b_relay = std::make_unique<cluster::relay>(
        b_io, cluster::relay_settings{.self = "127.0.0.1:" + std::to_string(b_server.port()), .secret = secret, .providers = by_name},
        on_open, no_event, b_metrics);
    a_server.route_ws(std::string(cluster::relay::path), [this](const net::http_request& r) { return a_relay->accept(r); });
    b_server.route_ws("/media", [this](const net::http_request&) {
      auto sink = std::make_shared<carry_on_first>(*b_relay, a_address, provider());
      net::upgrade_decision d;
      d.accept = true;
      d.sink = sink;
      d.on_open = [sink](net::ws_channel_ptr channel) { sink->bind(channel); };
      return d;
    });
    for (auto* io : {&a_io, &b_io, &client_io}) io->start();
    std::promise<std::string> connected;
    net::ws_connect_options o;
    o.url = "ws://127.0.0.1:" + std::to_string(b_server.port()) + "/media";
    net::ws_connect(client_io, o, caller_sink(),
                    [&](net::ws_channel_ptr c, std::string e) {
                      caller = c;
                      connected.set_value(e);
                    });
    ASSERT_EQ(connected.get_future().get(), "");
    caller->send_text("start");
    auto f = opened.get_future();
    ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
    at_a = f.get();
    ASSERT_TRUE(at_owner->wait_for([](const std::string& s) { return s == "start"; }, 5s));
  }
  void TearDown() override {
    caller->close("done");
    b_relay->stop();
    a_relay->stop();
    // Every close finished before the loops stop: a connection cut mid-close would keep its sink.
    for (int i = 0; i < 250 && net::open_ws_connections() > 0; ++i) std::this_thread::sleep_for(20ms);
    a_server.stop();
    b_server.stop();
    for (auto* io : {&a_io, &b_io, &client_io}) io->stop();
  }

  const std::string secret = "relay-test-secret-0123456789";
  net::io_runtime a_io{1}, b_io{1}, client_io{1};
  actors::metrics_registry a_metrics, b_metrics;
  net::http_server a_server{a_io, {.host = "127.0.0.1", .port = 0}};
  net::http_server b_server{b_io, {.host = "127.0.0.1", .port = 0}};
  std::string a_address;
  std::unique_ptr<cluster::relay> a_relay, b_relay;
  std::promise<net::ws_channel_ptr> opened;
  net::ws_channel_ptr at_a;      // the relay channel on A, as the supervisor would hold it
  net::ws_channel_ptr caller;    // the provider's side of the socket B carries
  std::shared_ptr<fakes::frame_queue> at_owner = std::make_shared<fakes::frame_queue>();
  std::shared_ptr<fakes::frame_queue> at_caller = std::make_shared<fakes::frame_queue>();
};

}  // namespace

TEST_F(RelayTest, FramesWaitInOrderForTheAttachAndThenFlow) {
  caller->send_text("one");
  caller->send_text("two");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(at_owner->snapshot().size(), 1u);  // handshake: only the start until the call takes it
  auto call = std::make_shared<fakes::frame_queue>();
  at_a->attach(std::make_shared<fakes::queue_sink>(call));
  caller->send_text("three");
  ASSERT_TRUE(call->wait_for([](const std::string& s) { return s == "three"; }, 5s));
  EXPECT_EQ(call->snapshot(), (std::vector<std::string>{"one", "two", "three"}));
  at_a->send_text("to the caller");
  EXPECT_TRUE(at_caller->wait_for([](const std::string& s) { return s == "to the caller"; }, 5s));
  at_a->close("call ended");
  EXPECT_TRUE(at_caller->wait_closed(5s));
}

TEST_F(RelayTest, ACallThatAttachesAfterTheCallerLeftHearsOfTheClose) {
  caller->close("caller hung up");
  ASSERT_TRUE(at_owner->wait_closed(5s));  // the handshake's sink hears it (the supervisor's, in the gateway)
  auto call = std::make_shared<fakes::frame_queue>();
  at_a->attach(std::make_shared<fakes::queue_sink>(call));  // the call's attach, already on its way
  EXPECT_TRUE(call->wait_closed(1s));  // so the call ends rather than stream into nothing
}

TEST_F(RelayTest, AChannelNeverAttachedIsClosedBeforeItsQueueGrowsPastItsBound) {
  for (int i = 0; i < 600; ++i) caller->send_text("frame " + std::to_string(i));
  EXPECT_TRUE(at_caller->wait_closed(5s));  // the provider's socket closes on B
  ASSERT_TRUE(at_owner->wait_closed(5s));
  EXPECT_EQ(at_owner->close_reason(), "no attach within 500 frames");
  EXPECT_LE(at_owner->snapshot().size(), 1u);  // nothing but the start reached a sink
}

namespace {

// Vonage's socket: the carried side takes binary frames because its dialect does.
class BinaryRelayTest : public RelayTest {
 protected:
  std::string provider() const override { return "vonage"; }
  std::shared_ptr<net::ws_sink> caller_sink() override { return at_vonage; }
  std::shared_ptr<kind_sink> at_vonage = std::make_shared<kind_sink>();
};

// Every byte value, and sequences that are not UTF-8: a text frame could not carry them.
std::string all_bytes(std::size_t n, std::uint8_t seed) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 7 + seed) & 0xff));
  return out;
}

}  // namespace

TEST_F(BinaryRelayTest, ABinaryFrameCrossesBothWaysByteForByte) {
  auto call = std::make_shared<kind_sink>();
  at_a->attach(call);
  auto inbound = all_bytes(640, 3);
  caller->send_binary(inbound);
  caller->send_text("between");
  caller->send_binary(all_bytes(320, 200));
  auto got = call->wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(true, inbound));
  EXPECT_EQ(got[1], std::make_pair(false, std::string("between")));
  EXPECT_EQ(got[2], std::make_pair(true, all_bytes(320, 200)));

  auto outbound = all_bytes(640, 9);
  at_a->send_binary(outbound, true);  // droppable audio, as the call sends it
  at_a->send_text(R"({"action":"notify","payload":{"mark":"g0.1.100"}})");
  at_a->send_binary(std::string(1, '\0'));
  auto back = at_vonage->wait_for(3);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0], std::make_pair(true, outbound));
  EXPECT_EQ(back[1].first, false);
  EXPECT_EQ(back[2], std::make_pair(true, std::string(1, '\0')));
  EXPECT_EQ(at_a->stats().refused_binary, 0u);
}

TEST_F(BinaryRelayTest, BinaryFramesWaitInTheHandshakeAndReachOnlyASinkThatTakesThem) {
  caller->send_binary(all_bytes(640, 1));  // before the call takes the channel: held, in order
  std::this_thread::sleep_for(100ms);
  auto call = std::make_shared<fakes::frame_queue>();
  at_a->attach(std::make_shared<fakes::queue_sink>(call));  // a sink for text only
  caller->send_text("after");
  ASSERT_TRUE(call->wait_for([](const std::string& s) { return s == "after"; }, 5s));
  EXPECT_EQ(call->snapshot(), std::vector<std::string>{"after"});
  EXPECT_EQ(at_a->stats().refused_binary, 1u);  // refused and counted, as a socket would
}
