#include "cluster/directory.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <mutex>
#include <unordered_set>

namespace voxgate::cluster {

namespace {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Deletes the key only while it still names this instance: a call that moved on is not ours to drop.
constexpr std::string_view release_script =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

}  // namespace

struct directory::impl : std::enable_shared_from_this<impl> {
  net::io_runtime& io;
  int worker;
  directory_settings settings;
  net::redis::client redis;
  std::mutex mutex;
  std::unordered_set<std::string> owned;  // calls claimed here and not yet released
  std::atomic<bool> stopped{false};

  impl(net::io_runtime& io, int worker, net::redis::options o, directory_settings s,
       net::redis::client::state_fn on_state)
      : io(io), worker(worker), settings(std::move(s)), redis(io, worker, std::move(o), std::move(on_state)) {}

  std::string call_key(const std::string& id) const { return settings.prefix + "call:" + id; }
  std::string instances_key() const { return settings.prefix + "instances"; }
  std::string ttl_ms() const { return std::to_string(settings.ttl.count()); }

  void claim(const std::string& call_id, std::function<void(claim_result, std::string)> done, int retries);

  void heartbeat() {
    auto now = unix_ms();
    redis.run({"ZADD", instances_key(), std::to_string(now), settings.self}, [](net::redis::reply) {});
    redis.run({"ZREMRANGEBYSCORE", instances_key(), "-inf", "(" + std::to_string(now - settings.ttl.count())},
              [](net::redis::reply) {});
    std::vector<std::string> calls;
    {
      std::lock_guard lock(mutex);
      calls.assign(owned.begin(), owned.end());
    }
    for (auto& id : calls) {
      auto key = call_key(id);
      redis.run({"PEXPIRE", key, ttl_ms()}, [self = shared_from_this(), key](net::redis::reply r) {
        // Gone although the call lives (Redis restarted empty): claim it again.
        if (r.type == net::redis::reply::kind::integer && r.integer == 0)
          self->redis.run({"SET", key, self->settings.self, "NX", "PX", self->ttl_ms()}, [](net::redis::reply) {});
      });
    }
  }

  // Runs on the worker every ttl/3 until stopped; `arg` holds the impl alive across the wait.
  static void tick(void*, void* arg) {
    std::unique_ptr<std::shared_ptr<impl>> holder(static_cast<std::shared_ptr<impl>*>(arg));
    auto& self = *holder;
    if (self->stopped) return;
    if (self->redis.up()) self->heartbeat();
    auto next = std::chrono::steady_clock::now() + self->settings.ttl / 3;
    if (self->io.run_here_at(next, &impl::tick, nullptr, holder.get())) holder.release();
  }
};

directory::directory(net::io_runtime& io, int worker, net::redis::options redis, directory_settings settings,
                     net::redis::client::state_fn on_state) {
  // A Redis that comes back (perhaps empty, after a restart) hears from this instance at once.
  auto holder = std::make_shared<std::weak_ptr<impl>>();
  auto state = [holder, on_state = std::move(on_state)](bool up, const std::string& why) {
    if (on_state) on_state(up, why);
    if (auto self = holder->lock(); self && up && !self->stopped) self->heartbeat();
  };
  impl_ = std::make_shared<impl>(io, worker, std::move(redis), std::move(settings), std::move(state));
  *holder = impl_;
}

directory::~directory() { stop(); }

void directory::start() {
  impl_->redis.start();
  impl_->io.post(impl_->worker, &impl::tick, nullptr, new std::shared_ptr<impl>(impl_));
}

void directory::stop() {
  if (impl_->stopped.exchange(true)) return;
  if (impl_->redis.up() && impl_->io.current() < 0) {
    // Leave the instance set now rather than after the ttl; a moment at most.
    auto left = std::make_shared<std::promise<void>>();
    auto done = left->get_future();
    impl_->redis.run({"ZREM", impl_->instances_key(), impl_->settings.self}, [left](net::redis::reply) { left->set_value(); });
    done.wait_for(std::chrono::milliseconds(500));
  }
  impl_->redis.stop();
}

const std::string& directory::self() const { return impl_->settings.self; }

bool directory::up() const { return impl_->redis.up(); }

void directory::claim(const std::string& call_id, std::function<void(claim_result, std::string)> done) {
  impl_->claim(call_id, std::move(done), 1);
}

void directory::impl::claim(const std::string& call_id, std::function<void(claim_result, std::string)> done,
                            int retries) {
  auto key = call_key(call_id);
  auto self = shared_from_this();
  self->redis.run({"SET", key, self->settings.self, "NX", "PX", self->ttl_ms()},
                  [self, key, call_id, retries, done = std::move(done)](net::redis::reply r) mutable {
                    if (r.is_error()) {
                      // Served here alone for now; the heartbeat registers it once Redis is back.
                      std::lock_guard lock(self->mutex);
                      self->owned.insert(call_id);
                      return done(claim_result::down, r.text);
                    }
                    if (r.ok()) {
                      std::lock_guard lock(self->mutex);
                      self->owned.insert(call_id);
                      return done(claim_result::claimed, self->settings.self);
                    }
                    // Someone holds it: who?
                    self->redis.run({"GET", key}, [self, call_id, retries,
                                                   done = std::move(done)](net::redis::reply owner) mutable {
                      if (owner.is_error()) return done(claim_result::down, owner.text);
                      if (owner.text == self->settings.self) {
                        // Ours already (a retry here, or an entry from before a restart): kept fresh.
                        std::lock_guard lock(self->mutex);
                        self->owned.insert(call_id);
                        return done(claim_result::ours, owner.text);
                      }
                      // Nil: the owner's entry expired between the two commands: claim it once more.
                      if (owner.is_nil() && retries > 0) return self->claim(call_id, std::move(done), retries - 1);
                      done(claim_result::taken, owner.is_nil() ? std::string() : owner.text);
                    });
                  });
}

void directory::release(const std::string& call_id) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->owned.erase(call_id) == 0) return;
  }
  impl_->redis.run({"EVAL", std::string(release_script), "1", impl_->call_key(call_id), impl_->settings.self},
                   [](net::redis::reply) {});
}

void directory::owner_of(const std::string& call_id, std::function<void(std::string, std::string)> done) {
  impl_->redis.run({"GET", impl_->call_key(call_id)}, [done = std::move(done)](net::redis::reply r) {
    if (r.is_error()) return done({}, r.text);
    done(r.type == net::redis::reply::kind::bulk ? r.text : std::string(), {});
  });
}

void directory::instances(std::function<void(std::vector<std::string>, std::string)> done) {
  auto since = unix_ms() - impl_->settings.ttl.count();
  impl_->redis.run({"ZRANGEBYSCORE", impl_->instances_key(), std::to_string(since), "+inf"},
                   [done = std::move(done)](net::redis::reply r) {
                     if (r.is_error()) return done({}, r.text);
                     std::vector<std::string> out;
                     for (auto& e : r.elements)
                       if (e.type == net::redis::reply::kind::bulk) out.push_back(std::move(e.text));
                     done(std::move(out), {});
                   });
}

}  // namespace voxgate::cluster
