// The engine: CAF's actors run on the workers of a net::io_runtime, each on the worker it was placed
// on, whatever wakes it. Real threads; futures wait at most a few seconds so that a bug fails
// instead of hanging.
#include "actors/engine.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/io_runtime.hpp"
#include "net/loop_idle.hpp"
#include "net/recent_peak.hpp"
#include "tests/fakes/loop_staller.hpp"

namespace {

using namespace std::chrono_literals;
using voxgate::actors::placement;
using voxgate::fakes::loop_staller;
using voxgate::net::io_runtime;
using voxgate::net::loop_idle_time;

using where_atom = caf::atom_constant<caf::atom("where")>;
using go_atom = caf::atom_constant<caf::atom("go")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

class Engine : public ::testing::Test {
 protected:
  Engine() {
    voxgate::actors::run_actors_on(cfg_, io);
    io.start();
    sys = std::make_unique<caf::actor_system>(cfg_);
  }
  // As the gateway does: actors end while the workers run, then the loops stop, then the system.
  ~Engine() override {
    sys->await_all_actors_done();
    io.stop();
    sys.reset();
  }

  template <class T>
  static T get(std::future<T>& f) {
    EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
    return f.get();
  }

  // The worker `a` runs on, asked from this (non-worker) thread.
  int where(const caf::actor& a) {
    int w = -2;
    caf::scoped_actor self{*sys};
    self->request(a, 5s, where_atom::value).receive([&](int x) { w = x; }, [&](caf::error&) {});
    return w;
  }

  io_runtime io{2};
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys;
};

caf::behavior reporter(caf::event_based_actor*, io_runtime* io) {
  return {[io](where_atom) { return io->current(); }};
}

TEST_F(Engine, APlacedActorRunsOnItsWorker) {
  for (int w : {1, 0, 1}) {
    caf::actor a;
    {
      placement on(w);
      a = sys->spawn(reporter, &io);
    }
    EXPECT_EQ(where(a), w);
    EXPECT_EQ(where(a), w) << "a second message, from a thread that is not a worker";
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
}

struct sightings {
  std::promise<int> child, delayed, remote;
};

// Spawns a child and sends itself a delayed message: both must run on its own worker.
caf::behavior parent(caf::event_based_actor* self, io_runtime* io, std::shared_ptr<sightings> s) {
  return {
      [=](go_atom) {
        self->system().spawn([io, s](caf::event_based_actor*) -> caf::behavior {
          s->child.set_value(io->current());
          return {};  // done at once
        });
        self->delayed_send(self, 20ms, tick_atom::value);
      },
      [=](tick_atom) {
        s->delayed.set_value(io->current());
        self->quit();
      },
  };
}

TEST_F(Engine, ChildrenAndDelayedMessagesStayOnTheParentsWorker) {
  auto s = std::make_shared<sightings>();
  auto child = s->child.get_future();
  auto delayed = s->delayed.get_future();
  caf::actor p;
  {
    placement on(1);
    p = sys->spawn(parent, &io, s);
  }
  caf::anon_send(p, go_atom::value);
  EXPECT_EQ(get(child), 1);
  EXPECT_EQ(get(delayed), 1) << "CAF's clock thread delivers it, on the actor's own worker";
}

// Forwards `go` to `peer` as a message between actors.
caf::behavior forwarder(caf::event_based_actor* self, io_runtime* io, caf::actor peer) {
  return {
      [=](go_atom) { self->send(peer, go_atom::value); },
      [io](where_atom) { return io->current(); },
  };
}

caf::behavior recorder(caf::event_based_actor* self, io_runtime* io, std::shared_ptr<sightings> s) {
  return {[=](go_atom) {
    s->remote.set_value(io->current());
    self->quit();
  }};
}

// Counts the `go` messages it gets, and notes the worker it got them on.
struct counted {
  std::atomic<int> ran{0};
  std::atomic<int> worker{-2};
};

caf::behavior counter_actor(caf::event_based_actor*, io_runtime* io, std::shared_ptr<counted> c) {
  return {
      [io, c](go_atom) {
        c->worker.store(io->current());
        c->ran.fetch_add(1);
      },
      [io](where_atom) { return io->current(); },
  };
}

caf::behavior relay_actor(caf::event_based_actor* self, io_runtime* io, caf::actor next) {
  return {
      [=](go_atom) { self->send(next, go_atom::value); },
      [io](where_atom) { return io->current(); },
  };
}

// Waits (5 s at most) until `ran` reaches `n`.
bool ran_at_least(const std::atomic<int>& ran, int n) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ran.load() < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  return ran.load() >= n;
}

struct handler_probe {
  caf::actor first;
  std::shared_ptr<counted> seen;
  bool in_scope = false;
  int seen_before_return = -1;
  std::promise<void> done;
};

// What a socket's sink does on worker 1: send the frame's message, inside run_woken_here or not, and
// look at what has run by the time the handler returns.
void socket_handler(void* context, void*) {
  auto* p = static_cast<handler_probe*>(context);
  if (p->in_scope) {
    voxgate::actors::run_woken_here now;
    caf::anon_send(p->first, go_atom::value);
  } else {
    caf::anon_send(p->first, go_atom::value);
  }
  p->seen_before_return = p->seen->ran.load();
  p->done.set_value();
}

// Runs socket_handler on worker 1 with a frame for `first`; returns how many `go`s `seen` had counted
// when the handler returned (-1 if it never ran).
int handle_frame_on_worker_1(io_runtime& io, caf::actor first, std::shared_ptr<counted> seen, bool in_scope) {
  handler_probe p;
  p.first = std::move(first);
  p.seen = std::move(seen);
  p.in_scope = in_scope;
  auto done = p.done.get_future();
  io.post(1, &socket_handler, &p, nullptr);
  if (done.wait_for(5s) != std::future_status::ready) return -1;
  return p.seen_before_return;
}

TEST_F(Engine, AFramesActorsRunWithinTheHandlerThatReadIt) {
  for (bool in_scope : {true, false}) {
    auto seen = std::make_shared<counted>();
    caf::actor last, first;
    {
      placement on(1);
      last = sys->spawn(counter_actor, &io, seen);
      first = sys->spawn(relay_actor, &io, last);  // socket -> first -> last, as socket -> call -> AI session
    }
    ASSERT_EQ(where(first), 1);
    ASSERT_EQ(where(last), 1);
    int before_return = handle_frame_on_worker_1(io, first, seen, in_scope);
    if (in_scope)
      EXPECT_EQ(before_return, 1) << "both hops ran before the handler returned";
    else
      EXPECT_EQ(before_return, 0) << "without the scope each hop waits its turn in the loop's queue";
    EXPECT_TRUE(ran_at_least(seen->ran, 1));
    EXPECT_EQ(seen->ran.load(), 1);
    EXPECT_EQ(seen->worker.load(), 1);
    caf::anon_send_exit(first, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(last, caf::exit_reason::user_shutdown);
  }
}

TEST_F(Engine, TheScopeLeavesActorsOfOtherWorkersToTheirOwn) {
  auto seen = std::make_shared<counted>();
  caf::actor last;
  {
    placement on(0);
    last = sys->spawn(counter_actor, &io, seen);
  }
  ASSERT_EQ(where(last), 0);
  EXPECT_GE(handle_frame_on_worker_1(io, last, seen, true), 0);  // the handler on worker 1
  EXPECT_TRUE(ran_at_least(seen->ran, 1));
  EXPECT_EQ(seen->worker.load(), 0) << "it ran on its own worker, not inside worker 1's handler";
  caf::anon_send_exit(last, caf::exit_reason::user_shutdown);
}

TEST_F(Engine, AMessageFromAnotherWorkerRunsOnTheReceiversWorker) {
  auto s = std::make_shared<sightings>();
  auto seen = s->remote.get_future();
  caf::actor rec, fwd;
  {
    placement on(1);
    rec = sys->spawn(recorder, &io, s);
  }
  {
    placement on(0);
    fwd = sys->spawn(forwarder, &io, rec);
  }
  ASSERT_EQ(where(fwd), 0);
  // From a socket handler on worker 0, as a frame arrives: to the forwarder, which sends to worker 1.
  struct hop {
    caf::actor to;
  } h{fwd};
  io.post(0, [](void*, void* arg) { caf::anon_send(static_cast<hop*>(arg)->to, go_atom::value); }, nullptr, &h);
  EXPECT_EQ(get(seen), 1);
  caf::anon_send_exit(fwd, caf::exit_reason::user_shutdown);
}

// An actor with a full mailbox gives its worker back to the loop between batches, so that one busy
// call cannot starve the sockets that share its worker.
TEST_F(Engine, ABusyActorLetsTheLoopRunBetweenBatches) {
  auto handled = std::make_shared<std::atomic<int>>(0);
  caf::actor counter;
  {
    placement on(0);
    counter = sys->spawn([handled, io = &io](caf::event_based_actor*) -> caf::behavior {
      return {
          [handled](go_atom) { handled->fetch_add(1); },
          [io](where_atom) { return io->current(); },
      };
    });
  }
  ASSERT_EQ(where(counter), 0);
  struct burst {
    caf::actor to;
    std::shared_ptr<std::atomic<int>> handled;
    std::promise<int> seen_by_loop;
  } b{counter, handled, {}};
  auto seen = b.seen_by_loop.get_future();
  // On worker 0: queue 1,000 messages, then a handler of the loop's own.
  io.post(
      0,
      [](void* io_ptr, void* arg) {
        auto* b = static_cast<burst*>(arg);
        for (int i = 0; i < 1000; ++i) caf::anon_send(b->to, go_atom::value);
        static_cast<io_runtime*>(io_ptr)->post(
            0, [](void*, void* arg) {
              auto* b = static_cast<burst*>(arg);
              b->seen_by_loop.set_value(b->handled->load());
            },
            nullptr, b);
      },
      &io, &b);
  int at_loop_turn = get(seen);
  EXPECT_GT(at_loop_turn, 0);
  EXPECT_LT(at_loop_turn, 1000) << "the actor ran its whole mailbox before the loop got a turn";
  caf::anon_send_exit(counter, caf::exit_reason::user_shutdown);
}

// The clock leaves CAF's clock thread alone for actors that set no timeout there (actors/engine.cpp):
// a request's timeout must still fire when no answer comes, an answered request must not time out
// later, and an actor whose request timed out still ends cleanly.
TEST_F(Engine, RequestTimeoutsStillFireAndAnsweredRequestsDoNot) {
  auto held = std::make_shared<std::vector<caf::response_promise>>();  // answered never
  auto silent = sys->spawn([held](caf::event_based_actor* self) -> caf::behavior {
    return {[=](go_atom) { held->push_back(self->make_response_promise()); }};
  });
  auto answering = sys->spawn([](caf::event_based_actor*) -> caf::behavior { return {[](where_atom) { return 7; }}; });
  std::promise<std::string> timed_out;
  std::promise<int> answered;
  auto outcome = timed_out.get_future();
  auto answer = answered.get_future();
  auto later = std::make_shared<std::atomic<int>>(0);
  {
    placement on(0);
    sys->spawn([&timed_out, &answered, silent, answering, later](caf::event_based_actor* self) {
      self->request(silent, 100ms, go_atom::value)
          .then([&timed_out] { timed_out.set_value("answered"); },
                [&timed_out, self](caf::error& e) { timed_out.set_value(self->system().render(e)); });
      self->request(answering, 100ms, where_atom::value)
          .then([&answered](int x) { answered.set_value(x); }, [later](caf::error&) { later->fetch_add(1); });
    });
  }
  EXPECT_NE(get(outcome).find("request_timeout"), std::string::npos);
  EXPECT_EQ(get(answer), 7);
  std::this_thread::sleep_for(300ms);  // past the answered request's 100 ms
  EXPECT_EQ(later->load(), 0) << "an answered request timed out after its answer";
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(answering, caf::exit_reason::user_shutdown);
  sys->await_all_actors_done();
  held->clear();
}

TEST(EngineRuntime, PickStaysOnTheCallingWorkerAndRotatesElsewhere) {
  io_runtime io{3};
  EXPECT_EQ(io.current(), -1);
  int a = io.pick(), b = io.pick(), c = io.pick();
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
  io.start();
  std::promise<std::pair<int, int>> p;
  auto f = p.get_future();
  io.post(
      2,
      [](void* io_ptr, void* arg) {
        auto* rt = static_cast<io_runtime*>(io_ptr);
        static_cast<std::promise<std::pair<int, int>>*>(arg)->set_value({rt->current(), rt->pick()});
      },
      &io, &p);
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  auto [current, picked] = f.get();
  EXPECT_EQ(current, 2);
  EXPECT_EQ(picked, 2);
}

}  // namespace

namespace timers {

struct log {
  io_runtime* io;
  std::mutex m;
  std::vector<std::pair<char, int>> ran;  // task, worker it ran on
  std::promise<void> three;
};

struct task_arg {
  log* l;
  char name;
};

void record(void* context, void* arg) {
  auto* l = static_cast<log*>(context);
  auto* a = static_cast<task_arg*>(arg);
  std::lock_guard lock(l->m);
  l->ran.emplace_back(a->name, l->io->current());
  if (l->ran.size() == 3) l->three.set_value();
}

}  // namespace timers

TEST(EngineRuntime, RunAtRunsTasksInTimeOrderOnTheCallingWorker) {
  io_runtime io{2};
  io.start();
  timers::log l{&io, {}, {}, {}};
  timers::task_arg a{&l, 'a'}, b{&l, 'b'}, c{&l, 'c'};
  auto done = l.three.get_future();
  struct plan {
    io_runtime* io;
    timers::log* l;
    timers::task_arg *a, *b, *c;
  } p{&io, &l, &a, &b, &c};
  // Scheduled latest first, so that each new task re-arms the worker's one timer earlier.
  io.post(
      1,
      [](void*, void* arg) {
        auto* p = static_cast<plan*>(arg);
        auto now = std::chrono::steady_clock::now();
        EXPECT_TRUE(p->io->run_here_at(now + 60ms, &timers::record, p->l, p->a));
        EXPECT_TRUE(p->io->run_here_at(now + 40ms, &timers::record, p->l, p->b));
        EXPECT_TRUE(p->io->run_here_at(now + 20ms, &timers::record, p->l, p->c));
      },
      nullptr, &p);
  ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
  std::vector<std::pair<char, int>> expected{{'c', 1}, {'b', 1}, {'a', 1}};
  EXPECT_EQ(l.ran, expected);
  EXPECT_FALSE(io.run_here_at(std::chrono::steady_clock::now(), &timers::record, &l, &a))
      << "off the workers there is no loop to run it: the caller keeps the task";
}

TEST(EngineRuntime, ATaskStillWaitingRunsOnceWhenTheRuntimeStops) {
  timers::log l{nullptr, {}, {}, {}};
  timers::task_arg a{&l, 'a'};
  {
    io_runtime io{1};
    l.io = &io;
    io.start();
    std::promise<void> queued;
    auto q = queued.get_future();
    struct plan {
      io_runtime* io;
      timers::log* l;
      timers::task_arg* a;
      std::promise<void>* queued;
    } p{&io, &l, &a, &queued};
    io.post(
        0,
        [](void*, void* arg) {
          auto* p = static_cast<plan*>(arg);
          EXPECT_TRUE(p->io->run_here_at(std::chrono::steady_clock::now() + 1h, &timers::record, p->l, p->a));
          p->queued->set_value();
        },
        nullptr, &p);
    ASSERT_EQ(q.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(l.ran.empty());
    io.stop();
    ASSERT_EQ(l.ran.size(), 1u) << "the task must run at stop, so that it can release what it holds";
    EXPECT_EQ(l.ran[0].second, -1) << "run by the stopping thread, after the loops are gone";
  }
  EXPECT_EQ(l.ran.size(), 1u) << "and only once";
}

// One stall makes one probe late, by about its length: the observer sees that probe, but the loop
// keeps up before and after, so loop_lag() (what admission reads) does not count it.
TEST(EngineRuntime, OneStallIsSeenByTheObserverButIsNoLag) {
  io_runtime io{1};
  std::atomic<std::int64_t> worst_seen_us{0}, worst_reported_us{0};
  std::atomic<int> probes_after{0};
  io.on_loop_probe([&](int w, std::chrono::microseconds lag, double) {
    EXPECT_EQ(w, 0);
    if (worst_seen_us.load() >= 150'000) probes_after.fetch_add(1);
    worst_seen_us.store(std::max(worst_seen_us.load(), lag.count()));
    worst_reported_us.store(std::max(worst_reported_us.load(), io.loop_lag(0).count()));  // what admission reads
  });
  io.start();
  loop_staller once(io, 1);
  once.start(0);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (probes_after.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(worst_seen_us.load(), 150'000) << "the probe due during the stall ran that late";
  EXPECT_GE(probes_after.load(), 3);
  EXPECT_LT(worst_reported_us.load(), 50'000) << "one late probe is a stall, not a loop that is behind";
  io.stop();
}

// A loop that stays behind makes every probe late: loop_lag() shows it, and it decays once the loop
// keeps up again.
TEST(EngineRuntime, ALoopKeptBehindShowsItsLagAndItDecaysAfter) {
  io_runtime io{1};
  std::atomic<std::int64_t> reported_us{0};
  io.on_loop_probe([&](int, std::chrono::microseconds, double) {
    reported_us.store(std::max(reported_us.load(), io.loop_lag(0).count()));  // what admission reads then
  });
  io.start();
  loop_staller behind(io, 5);  // 1.5 s: each probe waits behind the next 300 ms
  behind.start(0);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!behind.done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(reported_us.load(), 150'000) << "two probes in a row ran late: the loop is behind";
  std::this_thread::sleep_for(8 * io_runtime::loop_probe_interval);  // probes that find the loop free
  EXPECT_LT(io.loop_lag(0), 20ms) << "and it decays once the loop keeps up";
  io.stop();
}

// Spins the worker for `left` more slices of 20 ms, yielding to the loop (and its probe) between them.
struct spinner {
  io_runtime* io;
  std::atomic<int> left;
  static void slice(void* context, void*) {
    auto* s = static_cast<spinner*>(context);
    auto until = std::chrono::steady_clock::now() + 20ms;
    while (std::chrono::steady_clock::now() < until) {
    }
    if (--s->left > 0) s->io->post(0, &slice, s, nullptr);
  }
};

TEST(EngineRuntime, ABusyLoopShowsItsBusyShareAndAnIdleOneNone) {
  io_runtime io{1};
  std::atomic<int> probes{0}, agreed{0};
  io.on_loop_probe([&](int, std::chrono::microseconds, double busy) {
    probes.fetch_add(1);
    if (busy == io.loop_busy(0)) agreed.fetch_add(1);  // on the worker: what admission reads now
  });
  io.start();
  std::this_thread::sleep_for(5 * io_runtime::loop_probe_interval);
  EXPECT_LT(io.loop_busy(0), 0.2) << "an idle loop is not busy";
  spinner spin{&io, 40};  // 800 ms of work in 20 ms slices
  io.post(0, &spinner::slice, &spin, nullptr);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  double peak = 0;
  while (spin.left > 0 && std::chrono::steady_clock::now() < deadline) {
    peak = std::max(peak, io.loop_busy(0));
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GT(peak, 0.6) << "a loop that computes most of the time is busy, though it never lags by much";
  EXPECT_LT(io.loop_lag(0), 100ms);
  std::this_thread::sleep_for(25 * io_runtime::loop_probe_interval);  // the second's peak, then the smoothing
  EXPECT_LT(io.loop_busy(0), 0.2) << "and the share falls once the work is done";
  io.stop();
  EXPECT_GT(probes.load(), 10);
  EXPECT_EQ(agreed.load(), probes.load()) << "the observer gets what admission reads";
}

// Under a sustained stream of calls the share wavers around the bound; admission reads the peak of
// the last ten probes, so a dip lets no call in, and a load that really fell shows a second later.
TEST(EngineRuntime, AdmissionReadsTheBusyPeakOfTheLastSecond) {
  voxgate::net::recent_peak<10> peak;
  EXPECT_EQ(peak.add(0.3), 0.3);
  EXPECT_EQ(peak.add(0.72), 0.72);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(peak.add(0.69), 0.72) << "a dip under a 70 % bound does not show";
  EXPECT_EQ(peak.add(0.69), 0.69) << "ten probes on, the peak has aged out";
  EXPECT_EQ(peak.add(0.2), 0.69);
}

TEST(EngineRuntime, ALoopBlockedInAHandlerIsBusy) {
  io_runtime io{1};
  std::atomic<double> peak{0};
  io.on_loop_probe([&peak](int, std::chrono::microseconds, double busy) {
    peak = std::max(peak.load(), busy);  // the worker's thread only
  });
  io.start();
  std::this_thread::sleep_for(3 * io_runtime::loop_probe_interval);
  EXPECT_LT(peak.load(), 0.2);
  // 800 ms: whatever the phase of the probes, the one after it finds at least 700 ms of the loop blocked.
  io.post(0, [](void*, void*) { std::this_thread::sleep_for(800ms); }, nullptr, nullptr);
  std::this_thread::sleep_for(1000ms);
  io.stop();
  EXPECT_GT(peak.load(), 0.6) << "a loop that cannot wait for its sockets is busy, though it spends no CPU";
}

// The idle time is what the worker's thread spent in Asio's epoll_wait: it grows while the loop has
// nothing to do, and a thread that never waited has none.
TEST(EngineRuntime, TheLoopsIdleTimeIsItsWaitForSockets) {
  io_runtime io{1};
  io.start();
  std::this_thread::sleep_for(300ms);
  std::promise<std::chrono::nanoseconds> seen;
  io.post(0, [](void* p, void*) {
    static_cast<std::promise<std::chrono::nanoseconds>*>(p)->set_value(loop_idle_time());
  }, &seen, nullptr);
  auto answer = seen.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  auto idle = answer.get();
  io.stop();
  EXPECT_GE(idle, 200ms) << "the worker waited in the kernel for most of 300 ms";
  EXPECT_LE(idle, 2s);
  std::chrono::nanoseconds fresh{-1};
  std::thread([&fresh] { fresh = loop_idle_time(); }).join();
  EXPECT_EQ(fresh, 0ns) << "a thread that never waited has no idle time";
}
