#include "net/send_turn.hpp"

#include <vector>

namespace voxgate::net {

namespace {

struct turn_state {
  int depth = 0;
  std::vector<std::shared_ptr<detail::turn_flush>> pending;
};

thread_local turn_state this_turn;

}  // namespace

send_turn::send_turn() { ++this_turn.depth; }

send_turn::~send_turn() {
  if (--this_turn.depth > 0) return;
  // A flush may queue nothing new (writes only start), so one pass empties the list; the vector
  // keeps its capacity from turn to turn.
  for (std::size_t i = 0; i < this_turn.pending.size(); ++i) this_turn.pending[i]->end_of_turn();
  this_turn.pending.clear();
}

namespace detail {

bool in_send_turn() { return this_turn.depth > 0; }

void flush_at_end_of_turn(std::shared_ptr<turn_flush> socket) { this_turn.pending.push_back(std::move(socket)); }

}  // namespace detail
}  // namespace voxgate::net
