#include "actors/engine.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace voxgate::actors {
namespace {

thread_local int placed_on = -1;  // set by `placement`

class worker_coordinator;
class worker_unit;

// An actor woken while a run_woken_here scope is open on its own worker: it runs when the scope ends.
struct woken {
  worker_unit* unit;
  caf::resumable* job;  // with the reference its enqueuer took
};
thread_local std::vector<woken>* woken_here = nullptr;  // the open scope's list, if any
thread_local bool in_actor_turn = false;                // an actor's resume() is running on this thread

// CAF's clock, but a delayed message sent from a worker waits on that worker's own timer and is
// delivered from there: the playout clock's tick costs no thread switch and no wake-up. Timeouts of
// requests, and messages scheduled off the workers, keep CAF's clock thread. CAF cancels an actor's
// timeouts there when it ends, and a request's when its answer comes, whether it set any or not:
// each a lock, a queue entry and a wake-up of that thread (at a call's set-up and end, four actors).
// So the clock remembers the actors that did set one, and leaves the clock thread alone for the rest.
class worker_clock final : public caf::detail::thread_safe_actor_clock {
 public:
  explicit worker_clock(net::io_runtime& io) : io_(io) {}

  using thread_safe_actor_clock::schedule_message;
  void schedule_message(time_point t, caf::strong_actor_ptr receiver, caf::mailbox_element_ptr content) override {
    if (receiver && io_.run_here_at(t, &deliver, receiver.get(), content.get())) {
      receiver.release();  // the references now belong to the task: deliver() takes them back
      content.release();
      return;
    }
    thread_safe_actor_clock::schedule_message(t, std::move(receiver), std::move(content));
  }

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) override {
    remember(self);
    thread_safe_actor_clock::set_ordinary_timeout(t, self, type, id);
  }
  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override {
    remember(self);
    thread_safe_actor_clock::set_request_timeout(t, self, id);
  }
  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) override {
    remember(self);
    thread_safe_actor_clock::set_multi_timeout(t, self, type, id);
  }
  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override {
    if (timed(self)) thread_safe_actor_clock::cancel_ordinary_timeout(self, type);
  }
  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override {
    if (timed(self)) thread_safe_actor_clock::cancel_request_timeout(self, id);
  }
  void cancel_timeouts(caf::abstract_actor* self) override {
    {
      std::lock_guard lock(timed_mutex_);
      if (timed_.erase(self->id()) == 0) return;
    }
    thread_safe_actor_clock::cancel_timeouts(self);
  }

 private:
  void remember(caf::abstract_actor* self) {
    std::lock_guard lock(timed_mutex_);
    timed_.insert(self->id());
  }
  bool timed(caf::abstract_actor* self) {
    std::lock_guard lock(timed_mutex_);
    return timed_.count(self->id()) > 0;
  }

  // Takes back the references given to run_here_at.
  static void deliver(void* receiver, void* content) {
    caf::strong_actor_ptr to{static_cast<caf::actor_control_block*>(receiver), false};
    caf::mailbox_element_ptr message{static_cast<caf::mailbox_element*>(content)};
    to->enqueue(std::move(message), nullptr);
  }

  net::io_runtime& io_;
  std::mutex timed_mutex_;                   // timeouts are set and cancelled from any thread
  std::unordered_set<caf::actor_id> timed_;  // actors with a timeout on the clock thread
};

// The execution unit of one worker: CAF hands it to the actors it runs, and an actor's send from
// there comes back through exec_later.
class worker_unit final : public caf::execution_unit {
 public:
  worker_unit(caf::actor_system* sys, worker_coordinator* owner, int index)
      : caf::execution_unit(sys), owner(owner), index(index) {}
  void exec_later(caf::resumable* job) override;

  worker_coordinator* owner;
  int index;
};

class worker_coordinator final : public caf::scheduler::abstract_coordinator {
 public:
  worker_coordinator(caf::actor_system& sys, net::io_runtime& io) : abstract_coordinator(sys), io_(io), clock_(io) {}

  void enqueue(caf::resumable* job) override { schedule(job); }
  caf::actor_clock& clock() noexcept override { return clock_; }

  // Queues `job` (holding the reference its enqueuer took) on its home worker: as a task of its own,
  // or, woken from that worker inside a run_woken_here scope, to run when the scope ends.
  void schedule(caf::resumable* job) {
    int w = home_of(job);
    auto* unit = &units_[static_cast<std::size_t>(w)];
    if (woken_here && io_.current() == w)
      woken_here->push_back({unit, job});
    else
      io_.post(w, &run, unit, job);
  }

  // On the unit's worker thread. What the actor sends to this worker's sockets leaves when the loop's
  // turn ends (net/turn_end.hpp).
  static void run(void* context, void* arg) {
    auto* unit = static_cast<worker_unit*>(context);
    auto* job = static_cast<caf::resumable*>(arg);
    bool outer = std::exchange(in_actor_turn, true);
    auto result = job->resume(unit, unit->owner->max_throughput());
    in_actor_turn = outer;
    switch (result) {
      case caf::resumable::resume_later:
        unit->owner->io_.post(unit->index, &run, unit, job);  // more mail: after the handlers queued meanwhile
        break;
      case caf::resumable::done:
      case caf::resumable::awaiting_message:
        intrusive_ptr_release(job);  // the reference taken when it was enqueued
        break;
      case caf::resumable::shutdown_execution_unit:
        break;
    }
  }

  void post_run(worker_unit* unit, caf::resumable* job);

 protected:
  void start() override {
    int n = io_.workers();
    units_.reserve(static_cast<std::size_t>(n));  // never reallocated: actors keep pointers to units
    for (int i = 0; i < n; ++i) units_.emplace_back(&system(), this, i);
    clock_thread_ = std::thread([this] { clock_.run_dispatch_loop(); });
    abstract_coordinator::start();
  }

  void stop() override {
    stop_actors();
    clock_.cancel_dispatch_loop();
    if (clock_thread_.joinable()) clock_thread_.join();
  }

 private:
  // An actor that ran before stays where it ran (CAF records the unit in its context). A new one
  // goes where a `placement` says, else to the calling worker, else to the next in turn.
  int home_of(caf::resumable* job) {
    auto kind = job->subtype();
    if (kind == caf::resumable::scheduled_actor || kind == caf::resumable::io_actor) {
      auto* unit = dynamic_cast<worker_unit*>(static_cast<caf::scheduled_actor*>(job)->context());
      if (unit && unit->owner == this) return unit->index;
    }
    if (placed_on >= 0 && placed_on < io_.workers()) return placed_on;
    return io_.pick();
  }

  net::io_runtime& io_;
  std::vector<worker_unit> units_;
  worker_clock clock_;
  std::thread clock_thread_;
};

void worker_unit::exec_later(caf::resumable* job) { owner->schedule(job); }

void worker_coordinator::post_run(worker_unit* unit, caf::resumable* job) { io_.post(unit->index, &run, unit, job); }

// How many woken actors one scope runs; past it, the rest wait their turn in the loop's queue.
constexpr std::size_t woken_bound = 64;

}  // namespace

void run_actors_on(caf::actor_system_config& cfg, net::io_runtime& io) {
  cfg.set("scheduler.max-threads", io.workers());
  // An actor with a full mailbox hands its worker back to the sockets after this many messages.
  cfg.set("scheduler.max-throughput", 64);
  cfg.module_factories.push_back(
      [&io](caf::actor_system& sys) -> caf::actor_system::module* { return new worker_coordinator(sys, io); });
}

run_woken_here::run_woken_here() : active_(woken_here == nullptr && !in_actor_turn) {
  if (!active_) return;
  thread_local std::vector<woken> list;  // reused: no allocation per frame
  woken_here = &list;
}

run_woken_here::~run_woken_here() {
  if (!active_) return;
  auto& list = *woken_here;
  // Index, not iterator: an actor that runs may wake another, appended here.
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i < woken_bound)
      worker_coordinator::run(list[i].unit, list[i].job);
    else
      list[i].unit->owner->post_run(list[i].unit, list[i].job);
  }
  list.clear();
  woken_here = nullptr;
}

placement::placement(int worker) : previous_(placed_on) { placed_on = worker; }

placement::~placement() { placed_on = previous_; }

}  // namespace voxgate::actors
