// Private to net/*.cpp: a read on plain TCP with one system call per read, where Asio's costs two.
//
// Asio 1.74's reactor is edge-triggered epoll. Its read operation first tries the read at once; after
// a read that emptied the socket (every media frame: one frame per 20 ms per socket) that try finds
// nothing, a `recv` that returns EAGAIN. Its wait operation costs an `epoll_ctl` instead, which it
// needs in general to see data that came before it started. On this machine each of those system
// calls costs about a microsecond: at 500 calls, 50,000 of them a second, a twentieth of the core.
//
// A ready_watch is an operation of the same reactor that only reports "ready": the connection reads
// in its own handler. When it arms the watch right after a read in that same handler came back short
// (the socket had no more bytes then), the watch does not look at the socket at all: bytes that arrive
// after that read are a new edge, and the reactor reports it to the queued watch. No other handler can
// run between that read and the arming (one thread runs each loop), so no such edge is missed. Armed
// otherwise (the first read, after a pause, after a read that filled the buffer), it reports ready at
// once, through the loop's queue, like any completion.
//
// What a short read does not prove: that the peer's FIN, or a reset, did not come with the bytes. The
// kernel's read stops in front of either and reports it only to the next read, and the edge that
// announced them is spent. The connection covers that case itself: once a second, a connection that
// read nothing since its last look peeks at its socket (ws_connection.hpp, watch_for_silent_end), so
// such an end is found within two seconds instead of never. (Asking the reactor to look again would
// not do: Boost 1.74 re-arms epoll only for an operation that finds no other queued on the socket.)
//
// This reaches into Asio's detail namespace (the reactor, its per-socket data and operation types),
// which is why it is kept to this one header, and used only with the Boost it was written against
// (Debian 12's 1.74); with another, connections use Asio's own read. tests/integration/ws_wire_test.cpp
// and the transport tests run every connection through it.
#pragma once

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/assert.hpp>
#include <boost/version.hpp>
#include <memory>
#include <utility>

namespace voxgate::net {

inline constexpr bool ready_watch_supported = BOOST_VERSION / 100 == 1074;

template <class Owner>
class ready_watch;

#if BOOST_VERSION / 100 == 1074
template <class Owner>
class ready_watch final : public boost::asio::detail::reactor_op {
 public:
  using socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
  using callback = void (Owner::*)(boost::system::error_code);

  ready_watch(socket& s, callback on_ready)
      : reactor_op(boost::system::error_code(), &do_perform, &do_complete),
        socket_(s),
        reactor_(boost::asio::use_service<boost::asio::detail::reactor>(
            static_cast<boost::asio::execution_context&>(s.get_executor().context()))),
        on_ready_(on_ready) {}
  ready_watch(const ready_watch&) = delete;
  ready_watch& operator=(const ready_watch&) = delete;

  // Calls (owner->*on_ready)(ec) on the loop once the socket has something to read (bytes, its end,
  // an error), or with operation_aborted once it is closed. `known_empty`: a read made in the running
  // handler just came back short (or found nothing). Keeps `owner` alive until then; one watch in flight.
  void arm(std::shared_ptr<Owner> owner, bool known_empty) {
    BOOST_ASSERT(!owner_);  // one watch in flight: a second arm would queue this operation twice
    owner_ = std::move(owner);
    ec_ = boost::system::error_code();
    auto& impl = internals::of(socket_);
    skip_try_ = known_empty;
    reactor_.start_op(boost::asio::detail::reactor::read_op, impl.socket_, impl.reactor_data_, this,
                      /*is_continuation=*/false, /*allow_speculative=*/true);
    skip_try_ = false;
  }

 private:
  // The protected implementation of Asio's socket, reached through a pointer to member.
  struct internals : socket {
    static auto& of(socket& s) { return (s.*(&internals::impl_)).get_implementation(); }
  };

  // Called by the reactor: from start_op when nothing else waits on the socket (the speculative try),
  // and on the socket's next edge. Only the try is skipped when the socket is known empty; queued
  // behind another operation, the watch is ready at the edge that completes that one.
  static status do_perform(reactor_op* base) { return static_cast<ready_watch*>(base)->skip_try_ ? not_done : done; }

  // `loop` is null when the loop is destroyed with the watch still queued: nothing is called.
  static void do_complete(void* loop, boost::asio::detail::operation* base, const boost::system::error_code&,
                          std::size_t) {
    auto* self = static_cast<ready_watch*>(base);
    auto owner = std::move(self->owner_);  // may be the last reference: `self` is not used after the call
    if (!loop || !owner) return;
    auto ec = self->ec_;
    ((*owner).*(self->on_ready_))(ec);
  }

  socket& socket_;
  boost::asio::detail::reactor& reactor_;
  callback on_ready_;
  std::shared_ptr<Owner> owner_;
  bool skip_try_ = false;  // set only inside arm's start_op, for a socket known empty
};
#endif

}  // namespace voxgate::net
