// Private to net/*.cpp: one WebSocket connection over any Beast stream, shared by the server and
// the client. Every handler runs on the connection's strand; one write in flight with a bounded
// queue behind it (oldest droppable audio goes first); reads deliver whole text frames to a sink.
// Frames are read straight into the string handed to the sink (no copy out of a read buffer), and
// what is queued in one turn of the loop leaves in one send (gather_stream). An actor's send from the
// connection's own worker, inside its turn (send_turn), is queued at once, with no post per frame.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "net/gather_stream.hpp"
#include "net/handler_memory.hpp"
#include "net/outbound_queue.hpp"
#include "net/send_turn.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::net {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// The TCP stream under every WebSocket. Its executor is the worker's io_context itself, not a
// type-erased one, so that a completion runs its handler directly, with no wrapper allocated for it.
using plain_stream = beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

struct ws_limits {
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_queue_bytes = 256 * 1024;
  std::chrono::milliseconds handshake_timeout{10000};  // server side: time allowed to attach
  std::chrono::milliseconds close_timeout = ws_close_timeout;
  // A peer silent this long (no frame, no pong to our ping at half of it) is cut; 0: never.
  std::chrono::milliseconds idle_timeout{0};
};

std::uint64_t next_connection_id();
std::atomic<std::int64_t>& ws_connection_count();

template <class Stream>
class ws_connection final : public ws_channel,
                            public detail::turn_flush,
                            public std::enable_shared_from_this<ws_connection<Stream>> {
 public:
  using stream_type = websocket::stream<gather_stream<Stream>>;

  ws_connection(stream_type&& ws, std::string remote, ws_limits limits, bool handshake_mode)
      : ws_(std::move(ws)),
        remote_(std::move(remote)),
        limits_(limits),
        out_(limits.max_queue_bytes),
        handshake_(handshake_mode),
        id_(next_connection_id()),
        handshake_timer_(ws_.get_executor()),
        close_timer_(ws_.get_executor()),
        idle_timer_(ws_.get_executor()) {
    ws_.read_message_max(limits_.max_frame_bytes);
    ws_connection_count().fetch_add(1, std::memory_order_relaxed);
  }
  ~ws_connection() override {
    if (!finished_) ws_connection_count().fetch_sub(1, std::memory_order_relaxed);
  }

  // Starts reading into `sink`. Call once, from the strand (right after the handshake).
  void start(std::shared_ptr<ws_sink> sink) {
    sink_ = std::move(sink);
    if (handshake_) {
      handshake_timer_.expires_after(limits_.handshake_timeout);
      handshake_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (!ec && self->handshake_) self->begin_close("no start within the handshake timeout");
      });
    }
    if (limits_.idle_timeout.count() > 0) {
      ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard_ = true; });
      watch_idle();
    }
    do_read();
  }

  void send_text(std::string text, bool droppable_audio) override { send(std::move(text), droppable_audio, false); }
  void send_binary(std::string bytes, bool droppable_audio) override { send(std::move(bytes), droppable_audio, true); }

  void close(std::string reason) override {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this(), r = std::move(reason)]() mutable {
      self->begin_close(std::move(r));
    });
  }

  void resume() override {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (self->paused_ && !self->finished_) self->do_read();
    });
  }

  void attach(std::shared_ptr<ws_sink> sink) override {
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this(), s = std::move(sink)]() mutable {
      self->sink_ = std::move(s);
      self->handshake_ = false;
      self->handshake_timer_.cancel();
      if (self->finished_) {
        self->sink_->on_closed(self->close_reason_);
        return;
      }
      if (self->paused_) self->do_read();
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
    if (posted_.load(std::memory_order_relaxed) == 0 && ws_.get_executor().running_in_this_thread()) {
      queue(std::move(text), droppable_audio, binary);
      if (detail::in_send_turn()) {
        // In an actor's turn: the turn's frames leave together when it ends.
        if (!writing_ && !flush_at_turn_end_) {
          flush_at_turn_end_ = true;
          detail::flush_at_end_of_turn(this->shared_from_this());
        }
      } else if (!writing_ && !write_posted_) {
        write_posted_ = true;
        boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
          self->write_posted_ = false;
          self->start_writing();
        });
      }
      return;
    }
    posted_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(ws_.get_executor(),
                      [self = this->shared_from_this(), t = std::move(text), droppable_audio, binary]() mutable {
                        self->enqueue(std::move(t), droppable_audio, binary);
                      });
  }


  void do_read() {
    paused_ = false;
    reading_ = true;
    read_into_.emplace(frame_, limits_.max_frame_bytes);  // Beast holds it by reference until the read ends
    ws_.async_read(*read_into_,
                   memory_handler<ws_connection>{this->shared_from_this(), &handler_memory_, &ws_connection::on_read});
  }

  // Every half of the idle timeout: a peer heard from since the last look is fine; a silent one is
  // pinged, and cut at the next look if it is silent still. (Beast's own idle timeout re-arms a timer
  // for every frame read; this looks twice per timeout.)
  void watch_idle() {
    idle_timer_.expires_after(limits_.idle_timeout / 2);
    idle_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      if (self->heard_) {
        self->heard_ = false;
        self->pinged_ = false;
      } else if (!self->pinged_) {
        self->pinged_ = true;
        self->ping();
      } else {
        self->cut("nothing from the peer for " + std::to_string(self->limits_.idle_timeout.count()) +
                  " ms, not even a pong");
        return;
      }
      self->watch_idle();
    });
  }

  // Ends the connection at once, with no close handshake: the read in flight ends with an error.
  void cut(std::string reason) {
    if (finished_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (!reading_ && !writing_) finish(close_reason_);
  }

  void on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    heard_ = true;
    if (ec) {
      finish(describe(ec));
      return;
    }
    bool binary = !ws_.got_text();
    if (binary && !sink_->takes_binary()) {
      // Most providers speak JSON text only: a binary frame is refused (counted, logged once) and the call goes on.
      if (binary_.fetch_add(1, std::memory_order_relaxed) == 0)
        spdlog::warn("ws conn={} remote={} refused a binary frame ({} bytes): only text frames are accepted", id_,
                     remote_, frame_.size());
      frame_.clear();
      do_read();
      return;
    }
    frames_in_.fetch_add(1, std::memory_order_relaxed);
    bool keep_reading = !handshake_;
    if (!keep_reading) paused_ = true;
    if (binary)
      sink_->on_binary(std::exchange(frame_, {}));  // the sink takes the bytes as read
    else
      sink_->on_text(std::exchange(frame_, {}));
    if (keep_reading && !closing_) do_read();
  }

  // The end of the turn in which frames were queued: they leave together.
  void end_of_turn() override {
    flush_at_turn_end_ = false;
    start_writing();
  }

  // On the strand, once per posted send. The write starts once, posted behind the frames posted
  // with this one (a sink's media and mark, a burst from another thread), so that they leave together.
  void enqueue(std::string text, bool droppable, bool binary) {
    posted_.fetch_sub(1, std::memory_order_relaxed);
    if (!queue(std::move(text), droppable, binary) || writing_ || write_posted_) return;
    write_posted_ = true;
    boost::asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->write_posted_ = false;
      self->start_writing();
    });
  }

  void start_writing() {
    if (!writing_ && !closing_ && !finished_ && !out_.empty()) do_write();
  }

  // Adds a frame to the outbound queue; false when the connection is closing or was cut for it.
  bool queue(std::string text, bool droppable, bool binary) {
    if (closing_ || finished_) return false;
    if (auto dropped = out_.push(std::move(text), droppable, batch_, binary))
      dropped_.fetch_add(dropped, std::memory_order_relaxed);
    // Control frames are never dropped, so a peer that stops reading would grow the queue without
    // end: past four times the bound the connection is cut (the write in flight ends with an error).
    if (out_.bytes() > 4 * limits_.max_queue_bytes) {
      closing_ = true;
      close_reason_ = "peer not reading: " + std::to_string(out_.bytes()) + " bytes queued";
      beast::get_lowest_layer(ws_).close();
      if (!writing_) finish(close_reason_);
      return false;
    }
    return true;
  }

  // Writes the front frame. A send is a batch: the frames at the front, up to gather_bytes, in flight
  // (never dropped) until the last of them leaves with the others in one send.
  void do_write() {
    writing_ = true;
    if (batch_ == 0) {
      batch_ = out_.count_within(gather_bytes);
      sends_.fetch_add(1, std::memory_order_relaxed);
    }
    if (batch_ > 1)
      ws_.next_layer().hold();
    else
      ws_.next_layer().release();
    ws_.binary(out_.front_is_binary());
    ws_.async_write(boost::asio::buffer(out_.front()),
                    memory_handler<ws_connection>{this->shared_from_this(), &handler_memory_, &ws_connection::on_write});
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
      out_.clear();
      batch_ = 0;
      finish(describe(ec));
      return;
    }
    if (finished_) return;
    frames_out_.fetch_add(1, std::memory_order_relaxed);
    out_.pop();
    --batch_;
    if (!out_.empty())
      do_write();
    else if (closing_)
      do_close();
  }

  // One ping at a time: Beast holds one suspended ping, no more.
  void ping() {
    if (ping_in_flight_ || finished_) return;
    ping_in_flight_ = true;
    ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code) { self->ping_in_flight_ = false; });
  }

  static constexpr std::size_t gather_bytes = 32 * 1024;

  void begin_close(std::string reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    arm_close_timer();  // a write stuck on a peer that does not read must not hold the close forever
    if (writing_) return;  // on_write closes once the queue is out
    if (!out_.empty())
      do_write();  // frames waiting for the rest of their turn go first
    else
      do_close();
  }

  void do_close() {
    if (finished_ || close_sent_) return;
    close_sent_ = true;
    ws_.next_layer().release();
    arm_close_timer();
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
      // A pending read ends with `closed` once the peer answers; without one, finish here.
      if (!self->reading_) self->finish(self->close_reason_);
    });
  }

  // From now, the peer has close_timeout to let what is queued out and answer our close frame.
  void arm_close_timer() {
    close_timer_.expires_after(limits_.close_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);  // pending operations end with an error
      if (!self->reading_ && !self->writing_) self->finish(self->close_reason_);
    });
  }

  void finish(std::string reason) {
    if (finished_) return;
    finished_ = true;
    ws_connection_count().fetch_sub(1, std::memory_order_relaxed);
    handshake_timer_.cancel();
    close_timer_.cancel();
    idle_timer_.cancel();
    if (close_reason_.empty()) close_reason_ = reason;
    auto sink = sink_;
    if (sink) sink->on_closed(closing_ ? close_reason_ : reason);
  }

  static std::string describe(beast::error_code ec) {
    if (ec == websocket::error::closed) return "closed by peer";
    if (ec == websocket::error::message_too_big) return "frame over the size limit";
    if (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) return "connection lost";
    if (ec == boost::asio::error::operation_aborted) return "aborted";
    return ec.message();
  }

  handler_memory handler_memory_;  // declared before ws_, so that it outlives the operations ws_ holds
  stream_type ws_;
  std::string frame_;  // the frame being read
  std::optional<boost::asio::dynamic_string_buffer<char, std::char_traits<char>, std::allocator<char>>> read_into_;
  std::string remote_;
  ws_limits limits_;
  outbound_queue out_;
  bool handshake_;
  std::uint64_t id_;
  std::shared_ptr<ws_sink> sink_;
  bool writing_ = false;
  bool reading_ = false;
  bool paused_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  std::string close_reason_;
  boost::asio::steady_timer handshake_timer_;
  boost::asio::steady_timer close_timer_;
  boost::asio::steady_timer idle_timer_;
  bool heard_ = false;   // a frame or a control frame came since the last idle look
  bool pinged_ = false;  // the last idle look found nothing and pinged
  bool ping_in_flight_ = false;
  std::size_t batch_ = 0;          // frames of the send under way still to write (0: no send)
  bool flush_at_turn_end_ = false;  // registered to start writing when the current turn ends
  bool write_posted_ = false;       // a write start is posted behind frames on their way
  std::atomic<int> posted_{0};      // sends whose frame is on its way to enqueue
  std::atomic<std::uint64_t> frames_in_{0}, frames_out_{0}, dropped_{0}, binary_{0}, sends_{0};
};

}  // namespace voxgate::net
