// A WebSocket as the actors see it: send text (or binary audio), close, and receive frames through a sink.
// Implemented by net's connections (net/ws_connection.hpp, server side and client side; tcp_frames for
// AudioSocket); everything here is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace voxgate::net {

// Receives a connection's events, on the connection's strand. Implementations forward them
// (the actors' implementation sends a CAF message) and return at once.
class ws_sink {
 public:
  virtual ~ws_sink() = default;
  virtual void on_text(std::string&& frame) = 0;
  // Binary frames reach only a sink that takes them (a provider streaming raw audio, Vonage); for the
  // others they are refused, counted in refused_binary and logged once, and the connection goes on.
  virtual bool takes_binary() const { return false; }
  virtual void on_binary(std::string&& /*frame*/) {}
  virtual void on_closed(std::string reason) = 0;
};

struct ws_stats {
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  std::uint64_t dropped_out = 0;     // outbound audio dropped because the queue was over its bound
  std::uint64_t refused_binary = 0;  // inbound binary frames ignored
  std::uint64_t sends = 0;           // writes to the socket: frames queued together leave in one
};

class ws_channel {
 public:
  virtual ~ws_channel();  // logs a held upgrade line that was never reported
  // The "upgrade ..." log line of an accepted media socket is held until the provider's start names
  // the call, so that the line carries the call id: report_upgrade logs it once. A socket that ends
  // before any start logs it then, with call=-.
  void hold_upgrade_line(std::string line);
  void report_upgrade(std::string_view call_id);
  // Queues a text frame. `droppable_audio` frames may be dropped (oldest first, counted) when the
  // outbound queue is over its bound; control frames never are. Never blocks.
  virtual void send_text(std::string text, bool droppable_audio = false) = 0;
  // Queues a binary frame, with the same rules.
  virtual void send_binary(std::string bytes, bool droppable_audio = false) = 0;
  // Sends what is queued, then closes. Idempotent. The sink gets on_closed once.
  virtual void close(std::string reason) = 0;
  // Handshake mode (server side): the connection delivers one frame and waits. resume() reads
  // one more; attach() switches to a new sink and reads continuously from then on.
  virtual void resume() = 0;
  virtual void attach(std::shared_ptr<ws_sink> sink) = 0;
  virtual ws_stats stats() const = 0;
  virtual const std::string& remote() const = 0;
  virtual std::uint64_t id() const = 0;

 private:
  std::string held_line_;                    // set before the channel is handed on; read once
  std::atomic<bool> line_pending_{false};
};

using ws_channel_ptr = std::shared_ptr<ws_channel>;

// After our close frame, the time a peer has to answer before its socket is shut. A silent or frozen
// peer would otherwise hold the connection until TCP gave up on it.
inline constexpr std::chrono::milliseconds ws_close_timeout{2000};

// WebSocket connections open (not yet finished) in this process, server and client side: shutdown waits for this to
// reach zero so that every peer gets a close frame.
std::size_t open_ws_connections();

}  // namespace voxgate::net
