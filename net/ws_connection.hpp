// Private to net/*.cpp: one WebSocket connection after its handshake, over a plain TCP socket or TLS
// on one, server side or client side. Every handler runs on the connection's worker; one read and at
// most one write in flight. The framing is ours (net/ws_frame): a read takes what the socket has into
// one buffer and hands out every whole frame in it (on plain TCP with one system call per read,
// net/ready_watch.hpp); what is queued in one turn of the loop leaves in one send when the turn ends
// (net/turn_end.hpp), made at once on plain TCP, without an operation of the loop, unless the socket's
// buffer is full. The outbound queue is bounded (oldest droppable audio goes first).
#pragma once

#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "net/handler_memory.hpp"
#include "net/outbound_queue.hpp"
#include "net/ready_watch.hpp"
#include "net/turn_end.hpp"
#include "net/ws_channel.hpp"
#include "net/ws_frame.hpp"

namespace voxgate::net {

// The TCP socket under every WebSocket. Its executor is the worker's io_context itself, not a
// type-erased one, so that a completion runs its handler directly, with no wrapper allocated for it.
using plain_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

template <class Stream>
plain_socket& tcp_of(Stream& stream) {
  if constexpr (std::is_same_v<Stream, plain_socket>)
    return stream;
  else
    return stream.next_layer();
}

struct ws_limits {
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_queue_bytes = 256 * 1024;
  std::chrono::milliseconds handshake_timeout{10000};  // server side: time allowed to attach
  std::chrono::milliseconds close_timeout = ws_close_timeout;
  // A peer silent this long (no frame, no pong to our ping at half of it) is cut; 0: never.
  std::chrono::milliseconds idle_timeout{0};
};

enum class ws_role { server, client };

std::uint64_t next_connection_id();
std::atomic<std::int64_t>& ws_connection_count();

// Client frames are masked with keys no one can predict (RFC 6455 §5.3): drawn from OpenSSL's
// generator, a block at a time. Should it ever fail, the kernel's getrandom stands in; nothing here
// throws into the loop.
class mask_keys {
 public:
  std::uint32_t next() {
    if (at_ == keys_.size()) {
      auto* bytes = reinterpret_cast<unsigned char*>(keys_.data());
      if (RAND_bytes(bytes, static_cast<int>(sizeof(keys_))) != 1)
        (void)getrandom(bytes, sizeof(keys_), 0);
      at_ = 0;
    }
    return keys_[at_++];
  }

 private:
  std::array<std::uint32_t, 64> keys_{};
  std::size_t at_ = keys_.size();
};

template <class Stream>
class ws_connection final : public ws_channel,
                            public detail::turn_flush,
                            public std::enable_shared_from_this<ws_connection<Stream>> {
 public:
  static constexpr bool plain = std::is_same_v<Stream, plain_socket>;
  static constexpr bool watched = plain && ready_watch_supported;  // reads through a ready_watch

  // `early`: bytes that came after the handshake's response, already read with it.
  ws_connection(Stream&& stream, std::string remote, ws_limits limits, bool handshake_mode, ws_role role,
                std::string_view early = {})
      : stream_(std::move(stream)),
        remote_(std::move(remote)),
        limits_(limits),
        role_(role),
        reader_(limits.max_frame_bytes, role == ws_role::server),
        out_(limits.max_queue_bytes),
        handshake_(handshake_mode),
        id_(next_connection_id()),
        handshake_timer_(stream_.get_executor()),
        close_timer_(stream_.get_executor()),
        idle_timer_(stream_.get_executor()),
        probe_timer_(stream_.get_executor()),
        turn_end_(boost::asio::use_service<detail::turn_end>(stream_.get_executor().context())),
        ready_(stream_, &ws_connection::on_ready) {
    rx_.resize(std::max<std::size_t>(initial_read_bytes, early.size()));
    if (!early.empty()) std::memcpy(rx_.data(), early.data(), early.size());
    rx_len_ = early.size();
    boost::system::error_code ignored;
    tcp_of(stream_).non_blocking(true, ignored);  // a send made at once never waits (send_now)
    ws_connection_count().fetch_add(1, std::memory_order_relaxed);
  }
  ~ws_connection() override {
    if (!finished_) ws_connection_count().fetch_sub(1, std::memory_order_relaxed);
  }

  // Starts reading into `sink`. Call once, from the worker (right after the handshake).
  void start(std::shared_ptr<ws_sink> sink) {
    sink_ = std::move(sink);
    if (handshake_) {
      handshake_timer_.expires_after(limits_.handshake_timeout);
      handshake_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
        if (!ec && self->handshake_) self->begin_close("no start within the handshake timeout");
      });
    }
    if (limits_.idle_timeout.count() > 0) watch_idle();
    if constexpr (watched) watch_for_silent_end();
    if (rx_len_ == 0) {
      read_on();
      return;
    }
    // Frames that came with the handshake's answer go to the sink once the caller has the channel
    // (it gets it when start returns), as frames read later would.
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->finished_) self->read_on();
    });
  }

  void send_text(std::string text, bool droppable_audio) override { send(std::move(text), droppable_audio, false); }
  void send_binary(std::string bytes, bool droppable_audio) override { send(std::move(bytes), droppable_audio, true); }

  void close(std::string reason) override {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), r = std::move(reason)]() mutable {
      self->begin_close(std::move(r));
    });
  }

  void resume() override {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->paused_ && !self->finished_) self->read_on();
    });
  }

  void attach(std::shared_ptr<ws_sink> sink) override {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), s = std::move(sink)]() mutable {
      self->sink_ = std::move(s);
      self->handshake_ = false;
      self->handshake_timer_.cancel();
      if (self->finished_) {
        self->sink_->on_closed(self->close_reason_);
        return;
      }
      if (self->paused_) self->read_on();
    });
  }

  ws_stats stats() const override {
    return {frames_in_.load(std::memory_order_relaxed), frames_out_.load(std::memory_order_relaxed),
            dropped_.load(std::memory_order_relaxed), binary_.load(std::memory_order_relaxed),
            sends_.load(std::memory_order_relaxed)};
  }
  const std::string& remote() const override { return remote_; }
  std::uint64_t id() const override { return id_; }

 private:
  void send(std::string text, bool droppable_audio, bool binary) {
    // From this connection's worker, behind no frame still on its way: queue now. A post from the
    // loop's own thread waits in Asio's private queue until the running handler returns, so a frame
    // another thread sends meanwhile, in answer to what this handler did next, would pass it (the
    // relay's open overtaken by the frames of the socket it opens). Queued now, it cannot be.
    // (A queue cut for a peer that stopped reading tells the sink here; the sinks only send a
    // message, so that is safe.)
    if (posted_.load(std::memory_order_relaxed) == 0 && stream_.get_executor().running_in_this_thread()) {
      if (queue(std::move(text), droppable_audio, binary)) flush_when_turn_ends();
      return;
    }
    posted_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(stream_.get_executor(),
                      [self = this->shared_from_this(), t = std::move(text), droppable_audio, binary]() mutable {
                        self->enqueue(std::move(t), droppable_audio, binary);
                      });
  }

  // On the worker, once per posted send. Frames posted together (a burst from another thread) leave
  // together, at the end of the turn that queues them.
  void enqueue(std::string text, bool droppable, bool binary) {
    posted_.fetch_sub(1, std::memory_order_relaxed);
    if (queue(std::move(text), droppable, binary)) flush_when_turn_ends();
  }

  void flush_when_turn_ends() {
    if (flush_at_turn_end_) return;
    flush_at_turn_end_ = true;
    turn_end_.add(this->shared_from_this());
  }

  // The end of the turn in which frames were queued: they leave together.
  void end_of_turn() override {
    flush_at_turn_end_ = false;
    flush();
  }

  // Adds a frame to the outbound queue; false when the connection is closing or was cut for it.
  bool queue(std::string text, bool droppable, bool binary) {
    if (closing_ || finished_) return false;
    if (auto dropped = out_.push(std::move(text), droppable, 0, binary))
      dropped_.fetch_add(dropped, std::memory_order_relaxed);
    // Control frames are never dropped, so a peer that stops reading would grow the queue without
    // end: past four times the bound the connection is cut.
    if (out_.bytes() > 4 * limits_.max_queue_bytes) {
      cut("peer not reading: " + std::to_string(out_.bytes()) + " bytes queued");
      return false;
    }
    return true;
  }

  // ---- reading ----

  // Hands out the whole frames already read, then reads more unless they paused or ended the connection.
  // `emptied`: a read in this handler just found the socket empty (net/ready_watch.hpp).
  void read_on(bool emptied = false) {
    paused_ = false;
    if (!deliver()) return;
    if (rx_len_ == rx_.size()) {
      // A frame larger than the buffer (the reader bounds it by max_frame_bytes): room for all of it.
      rx_.resize(std::min(rx_.size() * 2, limits_.max_frame_bytes + max_header_bytes));
    }
    reading_ = true;
    if constexpr (watched) {
      ready_.arm(this->shared_from_this(), emptied);
    } else {
      stream_.async_read_some(boost::asio::buffer(rx_.data() + rx_len_, rx_.size() - rx_len_),
                              memory_handler<ws_connection>{this->shared_from_this(), &handler_memory_,
                                                            &ws_connection::on_read});
    }
  }

  // TLS (and plain TCP where Asio's read is used): what the read brought.
  void on_read(boost::system::error_code ec, std::size_t n) {
    if (take_read(ec, n)) read_on();
  }

  // Watched plain TCP: the socket has something to read; the read is made here, into the room read_on left.
  void on_ready(boost::system::error_code ec) {
    std::size_t n = 0, room = rx_.size() - rx_len_;
    if (!ec && !finished_) {
      n = stream_.read_some(boost::asio::buffer(rx_.data() + rx_len_, room), ec);  // the socket is non-blocking
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
        reading_ = false;
        return read_on(true);
      }
    }
    if (take_read(ec, n)) read_on(n < room);
  }

  // A FIN or a reset that came with the last bytes read leaves the watch waiting for an edge that
  // will not come (net/ready_watch.hpp). Once a second, a connection that read nothing since the last
  // look peeks at its socket without blocking: an end (or an error) waiting there ends the connection
  // as a read would. One recv per silent socket per second; a socket that reads every 20 ms costs only
  // the timer.
  void watch_for_silent_end() {
    probe_timer_.expires_after(silent_end_probe);
    probe_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      if (!self->read_since_probe_ && self->reading_) {
        char byte;
        boost::system::error_code peeked;
        self->stream_.receive(boost::asio::buffer(&byte, 1), plain_socket::message_peek, peeked);
        // Bytes, or nothing yet: the watch reads them at their edge. An end or an error: taken now
        // (the connection closes its socket, which ends the watch too).
        if (peeked && peeked != boost::asio::error::would_block && peeked != boost::asio::error::try_again) {
          self->take_read(peeked, 0);
          return;
        }
      }
      self->read_since_probe_ = false;
      self->watch_for_silent_end();
    });
  }

  // What a read brought; false when the connection is over.
  bool take_read(boost::system::error_code ec, std::size_t n) {
    reading_ = false;
    if (finished_) return false;
    heard_ = true;
    read_since_probe_ = true;
    if (ec) {
      if (close_sent_ && (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset))
        finish(close_reason_);  // the peer ended the TCP connection after our close frame
      else
        finish(describe(ec));
      return false;
    }
    rx_len_ += n;
    return true;
  }

  // Every whole frame in the buffer to where it goes. False when reading should stop here: the
  // handshake's one frame was delivered, the close handshake is done, or the connection failed.
  bool deliver() {
    std::size_t at = 0;
    bool go_on = true;
    while (go_on && !finished_ && !failed_) {
      std::size_t used = 0;
      ws::frame_reader::frame f;
      auto status = reader_.next(rx_.data() + at, rx_len_ - at, used, f);
      at += used;
      if (status == ws::frame_reader::status::need_more) break;
      if (status == ws::frame_reader::status::error) {
        if (reader_.too_big())
          fail(close_too_big, "frame over the size limit");
        else
          fail(close_protocol_error, "protocol error: " + reader_.error());
        break;
      }
      go_on = on_frame(f);
    }
    if (failed_) {
      rx_len_ = 0;  // after a protocol error nothing is parsed: read on, and drop, until the peer ends
      return !finished_;
    }
    if (at > 0) {
      std::memmove(rx_.data(), rx_.data() + at, rx_len_ - at);
      rx_len_ -= at;
    }
    return go_on && !finished_;
  }

  bool on_frame(const ws::frame_reader::frame& f) {
    switch (f.op) {
      case ws::opcode::ping:
        // Only the latest ping is answered (RFC 6455 §5.5.3): a peer that pings without reading
        // our answers holds one pong here, not one per ping.
        pong_.assign(f.payload);
        pong_due_ = true;
        flush();
        return true;
      case ws::opcode::pong:
        return true;
      case ws::opcode::close:
        return on_close_frame(f.payload);
      default:
        break;
    }
    if (closing_) return true;  // after our close frame, what the peer still sends is read and left
    bool binary = f.op == ws::opcode::binary;
    if (binary && !sink_->takes_binary()) {
      // Most providers speak JSON text only: a binary frame is refused (counted, logged once) and the call goes on.
      if (binary_.fetch_add(1, std::memory_order_relaxed) == 0)
        spdlog::warn("ws conn={} remote={} refused a binary frame ({} bytes): only text frames are accepted", id_,
                     remote_, f.payload.size());
      return true;
    }
    if (!binary && !ws::valid_utf8(f.payload)) {
      fail(close_bad_payload, "protocol error: a text frame that is not UTF-8");
      return true;  // deliver() stops at failed_
    }
    frames_in_.fetch_add(1, std::memory_order_relaxed);
    std::string frame(f.payload);
    if (binary)
      sink_->on_binary(std::move(frame));
    else
      sink_->on_text(std::move(frame));
    if (handshake_) {
      paused_ = true;  // one frame, then wait for resume() or attach()
      return false;
    }
    return !finished_;
  }

  // The peer's close frame: after ours, the close handshake is done; before, it is answered with the
  // same code and the connection ends once the answer is out.
  bool on_close_frame(std::string_view payload) {
    if (payload.size() == 1 || (payload.size() >= 2 && !sendable_close_code(code_of(payload)))) {
      fail(close_protocol_error, "protocol error: a close frame with an invalid code");
      return true;
    }
    if (payload.size() > 2 && !ws::valid_utf8(payload.substr(2))) {
      fail(close_bad_payload, "protocol error: a close reason that is not UTF-8");
      return true;
    }
    peer_closed_ = true;
    if (!closing_) {
      closing_ = true;
      close_reason_ = "closed by peer";
      out_.clear();  // nothing more may follow the close frame we answer with
      arm_close_timer();
    }
    if (!close_sent_) {
      close_code_ = payload.size() >= 2 ? code_of(payload) : close_normal;
    }
    flush();
    return false;
  }

  static std::uint16_t code_of(std::string_view payload) {
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]));
  }

  // The codes an endpoint may put in a close frame (RFC 6455 §7.4, and IANA's registry since).
  static bool sendable_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  }

  // ---- writing ----

  void append_frame(std::string& to, ws::opcode op, std::string_view payload) {
    if (role_ == ws_role::client)
      ws::append_client_frame(to, op, payload, masks_.next());
    else
      ws::append_server_frame(to, op, payload);
  }

  // Sends what waits: a pong and our ping first, then the queued frames up to gather_bytes, then our close
  // frame once the queue is out (when closing). One send per batch; repeated while sends complete at once.
  void flush() {
    while (!writing_ && !finished_) {
      tx_.clear();
      tx_sent_ = 0;
      if (!close_sent_) {
        if (pong_due_) append_frame(tx_, ws::opcode::pong, pong_);
        if (ping_due_) append_frame(tx_, ws::opcode::ping, {});
        std::size_t batch = out_.empty() ? 0 : out_.count_within(gather_bytes);
        for (std::size_t i = 0; i < batch; ++i) {
          append_frame(tx_, out_.front_is_binary() ? ws::opcode::binary : ws::opcode::text, out_.front());
          out_.pop();
        }
        frames_out_.fetch_add(batch, std::memory_order_relaxed);
        if (closing_ && out_.empty()) {
          const char code[2] = {static_cast<char>(close_code_ >> 8), static_cast<char>(close_code_ & 0xff)};
          append_frame(tx_, ws::opcode::close, std::string_view(code, 2));
          close_sent_ = true;
        }
      }
      pong_due_ = ping_due_ = false;
      if (tx_.empty()) {
        if (close_sent_ && peer_closed_) {
          teardown();
        } else if (close_sent_ && failed_) {
          // No answer is awaited from a peer that broke the protocol; our sending side ends, so that
          // it reads our close frame and its answer finds the socket still open.
          boost::system::error_code ignored;
          tcp_of(stream_).shutdown(boost::asio::socket_base::shutdown_send, ignored);
        }
        return;
      }
      sends_.fetch_add(1, std::memory_order_relaxed);
      if (!send_now()) return;
    }
  }

  // On plain TCP, the send is made here; true when all of it left. What the socket's buffer does not
  // take (and all of a TLS send) goes in an asynchronous write.
  bool send_now() {
    if constexpr (plain) {
      boost::system::error_code ec;
      tx_sent_ = stream_.write_some(boost::asio::buffer(tx_), ec);
      if (!ec && tx_sent_ == tx_.size()) return true;
      if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
        finish(describe(ec));
        return false;
      }
      if (ec) tx_sent_ = 0;
    }
    writing_ = true;
    boost::asio::async_write(stream_, boost::asio::buffer(tx_.data() + tx_sent_, tx_.size() - tx_sent_),
                             memory_handler<ws_connection>{this->shared_from_this(), &handler_memory_,
                                                           &ws_connection::on_write});
    return false;
  }

  void on_write(boost::system::error_code ec, std::size_t) {
    writing_ = false;
    if (finished_) return;
    if (ec) return finish(describe(ec));
    flush();
  }

  // ---- closing ----

  void begin_close(std::string reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    arm_close_timer();  // a write stuck on a peer that does not read must not hold the close forever
    flush();            // frames waiting for the rest of their turn go first, then the close frame
    // A socket paused in handshake mode reads again, for the peer's answer (its frames are dropped).
    if (paused_ && !reading_ && !finished_) read_on();
  }

  // A peer that broke the protocol: a close frame with the code that says why, then our sending side
  // ends; what the peer still sends is dropped until it ends too (or the close timeout cuts it).
  void fail(std::uint16_t code, std::string reason) {
    spdlog::warn("ws conn={} remote={} {}", id_, remote_, reason);
    out_.clear();
    failed_ = true;
    close_code_ = code;
    if (closing_) {
      flush();
      return;
    }
    begin_close(std::move(reason));
  }

  // Both close frames are through: the TCP connection ends.
  void teardown() {
    boost::system::error_code ignored;
    tcp_of(stream_).shutdown(boost::asio::socket_base::shutdown_both, ignored);
    tcp_of(stream_).close(ignored);
    finish(close_reason_);
  }

  // From now, the peer has close_timeout to let what is queued out and answer our close frame.
  void arm_close_timer() {
    close_timer_.expires_after(limits_.close_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      self->cut(self->close_reason_);
    });
  }

  // Ends the connection at once, with no close handshake; operations in flight end aborted.
  void cut(std::string reason) {
    if (finished_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    boost::system::error_code ignored;
    tcp_of(stream_).close(ignored);
    finish(close_reason_);
  }

  // Every half of the idle timeout: a peer heard from since the last look is fine; a silent one is
  // pinged, and cut at the next look if it is silent still.
  void watch_idle() {
    idle_timer_.expires_after(limits_.idle_timeout / 2);
    idle_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      if (self->heard_) {
        self->heard_ = false;
        self->pinged_ = false;
      } else if (!self->pinged_) {
        self->pinged_ = true;
        self->ping_due_ = true;
        self->flush();
      } else {
        self->cut("nothing from the peer for " + std::to_string(self->limits_.idle_timeout.count()) +
                  " ms, not even a pong");
        return;
      }
      self->watch_idle();
    });
  }

  void finish(std::string reason) {
    if (finished_) return;
    finished_ = true;
    ws_connection_count().fetch_sub(1, std::memory_order_relaxed);
    handshake_timer_.cancel();
    close_timer_.cancel();
    idle_timer_.cancel();
    probe_timer_.cancel();
    out_.clear();
    if (close_reason_.empty()) close_reason_ = reason;
    boost::system::error_code ignored;
    tcp_of(stream_).close(ignored);  // a read still in flight ends
    auto sink = sink_;
    if (sink) sink->on_closed(closing_ ? close_reason_ : reason);
  }

  static std::string describe(boost::system::error_code ec) {
    if (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::error::broken_pipe)
      return "connection lost";
    if (ec == boost::asio::error::operation_aborted) return "aborted";
    return ec.message();
  }

  static constexpr std::chrono::seconds silent_end_probe{1};
  static constexpr std::size_t gather_bytes = 32 * 1024;
  static constexpr std::size_t initial_read_bytes = 4096;
  static constexpr std::size_t max_header_bytes = 14;
  static constexpr std::uint16_t close_normal = 1000, close_protocol_error = 1002,
                                 close_bad_payload = 1007, close_too_big = 1009;

  handler_memory handler_memory_;  // declared before stream_, so that it outlives the operations on it
  Stream stream_;
  std::string remote_;
  ws_limits limits_;
  ws_role role_;
  ws::frame_reader reader_;
  std::vector<std::uint8_t> rx_;  // bytes read, rx_len_ of them not yet handed out
  std::size_t rx_len_ = 0;
  outbound_queue out_;
  std::string pong_;       // the payload of the latest ping, answered at the next send
  bool pong_due_ = false;
  bool ping_due_ = false;  // the idle watch's ping, at the next send
  std::string tx_;       // the send under way
  std::size_t tx_sent_ = 0;
  mask_keys masks_;
  bool handshake_;
  std::uint64_t id_;
  std::shared_ptr<ws_sink> sink_;
  bool writing_ = false;
  bool reading_ = false;
  bool paused_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool peer_closed_ = false;
  bool failed_ = false;  // the peer broke the protocol: nothing more of it is parsed
  bool finished_ = false;
  std::uint16_t close_code_ = close_normal;
  std::string close_reason_;
  boost::asio::steady_timer handshake_timer_;
  boost::asio::steady_timer close_timer_;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer probe_timer_;  // watch_for_silent_end
  bool read_since_probe_ = false;
  detail::turn_end& turn_end_;
  struct no_watch {
    no_watch(Stream&, void (ws_connection::*)(boost::system::error_code)) {}
  };
  std::conditional_t<watched, ready_watch<ws_connection>, no_watch> ready_;  // plain TCP's reads
  bool heard_ = false;   // a frame or a control frame came since the last idle look
  bool pinged_ = false;  // the last idle look found nothing and pinged
  bool flush_at_turn_end_ = false;  // registered to flush when the current turn ends
  std::atomic<int> posted_{0};      // sends whose frame is on its way to enqueue
  std::atomic<std::uint64_t> frames_in_{0}, frames_out_{0}, dropped_{0}, binary_{0}, sends_{0};
};

}  // namespace voxgate::net
