// The cluster's directory in Redis: which instance owns each live call, and which instances are
// alive. Every command is asynchronous on one worker's loop (net::redis::client); while Redis is
// down each answer comes at once, as `down`, and the caller decides.
//
// Keys (all under "voxgate:"):
//   call:<call id>  -> the owner's INSTANCE_ADDR, expiring `ttl` after the owner's last heartbeat
//   instances       -> a sorted set of INSTANCE_ADDRs, scored by their last heartbeat (unix ms)
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/io_runtime.hpp"
#include "net/redis/client.hpp"

namespace voxgate::cluster {

struct directory_settings {
  std::string self;                       // this instance's internal address (INSTANCE_ADDR)
  std::chrono::milliseconds ttl{15000};   // entries of an instance silent this long expire
  std::string prefix = "voxgate:";
};

enum class claim_result {
  claimed,  // the call is ours from now on
  ours,     // it already was (a retried webhook on this instance)
  taken,    // another instance owns it (a retried webhook that came here): `owner` says which
  down,     // Redis did not answer: the call can only be served here, alone
};

class directory {
 public:
  // Lives on worker `worker` of `io` (stop() before the runtime stops). `on_state` reports Redis up
  // or down, once per change, on that worker.
  directory(net::io_runtime& io, int worker, net::redis::options redis, directory_settings settings,
            net::redis::client::state_fn on_state);
  ~directory();
  directory(const directory&) = delete;
  directory& operator=(const directory&) = delete;

  void start();  // connects, then heartbeats every ttl/3
  void stop();   // leaves the instance set when it can; from any thread

  const std::string& self() const;
  bool up() const;

  // All callbacks run once, on the directory's worker.
  void claim(const std::string& call_id, std::function<void(claim_result, std::string owner)> done);
  // Forgets a call this instance owned (only if the entry is still ours).
  void release(const std::string& call_id);
  // The owner's address, or empty when no live instance owns the call; `error` when Redis could not say.
  void owner_of(const std::string& call_id, std::function<void(std::string owner, std::string error)> done);
  // The instances that sent a heartbeat within the ttl, this one included.
  void instances(std::function<void(std::vector<std::string>, std::string error)> done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace voxgate::cluster
