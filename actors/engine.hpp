// CAF's actors scheduled on the I/O workers (net::io_runtime) instead of on a pool of their own: a
// coordinator whose queue on each worker is that worker's io_context. An actor lives on one worker,
// its home, from its first run on: whatever wakes it (a socket handler, an actor on another worker,
// a delayed message from CAF's clock) runs it there. So a call whose actors and sockets share a
// worker moves its media with no thread switch, no lock and no wake-up.
#pragma once

#include <caf/actor_system_config.hpp>

#include "net/io_runtime.hpp"

namespace voxgate::actors {

// Makes the system built from `cfg` run its actors on `io`'s workers. `io` must outlive the system,
// and its workers must run while actors are spawned, ended and awaited.
void run_actors_on(caf::actor_system_config& cfg, net::io_runtime& io);

// Opened by the sockets' sinks around the message a frame becomes: while alive on one of the
// engine's workers, outside any actor's turn, the actors its sends wake on this worker run when it
// ends, in this handler, rather than each at the back of the loop's queue. So a caller's frame goes
// through the call's actors and out of the AI's socket within the handler that read it, and under
// load it waits behind the loop's queue once, not once per hop. Inert anywhere else.
class run_woken_here {
 public:
  run_woken_here();
  ~run_woken_here();
  run_woken_here(const run_woken_here&) = delete;
  run_woken_here& operator=(const run_woken_here&) = delete;

 private:
  bool active_;
};

// While alive, actors this thread spawns with `spawn` (not as a child of a running actor) start on
// worker `w`. Without it they start on the calling worker, or the next in turn off the workers.
// Ignored by other coordinators (the deterministic one of the actor tests).
class placement {
 public:
  explicit placement(int worker);
  ~placement();
  placement(const placement&) = delete;
  placement& operator=(const placement&) = delete;

 private:
  int previous_;
};

}  // namespace voxgate::actors
