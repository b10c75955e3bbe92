// A turn of a worker's loop that runs an actor (the engine wraps each actor's run in one). Frames
// the actor sends during the turn to a socket of that same worker are queued at once, with no
// hand-off through the loop per frame, and each socket starts its writes once, at the end of the
// turn: what one turn queues for a socket leaves in one send. Turns nest; a frame sent outside a turn,
// or to a socket of another worker, goes through the socket's loop as before.
#pragma once

#include <memory>

namespace voxgate::net {

class send_turn {
 public:
  send_turn();
  ~send_turn();  // flushes every socket that queued frames during the outermost turn
  send_turn(const send_turn&) = delete;
  send_turn& operator=(const send_turn&) = delete;
};

namespace detail {

// A socket with frames queued during the current turn.
class turn_flush {
 public:
  virtual ~turn_flush() = default;
  virtual void end_of_turn() = 0;
};

bool in_send_turn();
// Runs `socket->end_of_turn()` when the current turn ends. Call only while in_send_turn().
void flush_at_end_of_turn(std::shared_ptr<turn_flush> socket);

}  // namespace detail
}  // namespace voxgate::net
