// Private to net/*.cpp: the end of a turn of a worker's loop. A turn is what the loop runs together:
// the handlers of the sockets that one poll found ready, and the actors they woke. A socket that
// queues frames during a turn asks here to be flushed when the turn ends, so that everything it queued
// leaves in one send, and the sends of the whole turn leave back to back: a peer process woken by the
// first finds the others already waiting, instead of being woken once per frame.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <vector>

namespace voxgate::net::detail {

// A socket with frames queued during the current turn.
class turn_flush {
 public:
  virtual ~turn_flush() = default;
  virtual void end_of_turn() = 0;
};

// One per io_context, used only from the thread that runs it.
class turn_end final : public boost::asio::execution_context::service {
 public:
  static inline boost::asio::execution_context::id id;

  explicit turn_end(boost::asio::io_context& loop) : service(loop), loop_(loop) {}

  // Runs socket->end_of_turn() when the turn ends: in a handler posted behind every handler ready now,
  // so after them and after the loop's next look at its sockets (which runs with no wait, since this
  // handler is queued). Call from the loop's thread, once per socket per turn.
  void add(std::shared_ptr<turn_flush> socket) {
    if (pending_.empty()) boost::asio::post(loop_, [this] { run(); });
    pending_.push_back(std::move(socket));
  }

 private:
  void run() {
    // Index, not iterator: a flush that ends a connection may make another socket queue frames,
    // which are flushed in this same pass. The vector keeps its capacity from turn to turn.
    for (std::size_t i = 0; i < pending_.size(); ++i) pending_[i]->end_of_turn();
    pending_.clear();
  }

  void shutdown() override { pending_.clear(); }  // the loop is going away: nothing will be sent

  boost::asio::io_context& loop_;
  std::vector<std::shared_ptr<turn_flush>> pending_;
};

}  // namespace voxgate::net::detail
