// RFC 6455 framing for tools that drive many WebSocket clients from one thread (`voxgate load`):
// appending masked client frames to a caller-owned buffer, and an incremental reader of server frames.
// Pure: bytes in, frames out; the socket and the handshake live elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::ws {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Appends one final, masked frame (as a client must send) with `mask_key` applied to the payload.
void append_client_frame(std::string& out, opcode op, std::string_view payload, std::uint32_t mask_key);

// Reads unmasked server frames from a byte stream. Fragmented messages are reassembled; control
// frames (ping, pong, close) come out as they arrive, even between fragments.
class frame_reader {
 public:
  struct frame {
    opcode op = opcode::text;
    std::string_view payload;  // valid until the next call to next()
  };
  enum class status { frame, need_more, error };

  explicit frame_reader(std::size_t max_message = 1 << 20) : max_message_(max_message) {}

  // Consumes from `data`, a window that the caller advances by `consumed` after each call.
  status next(const std::uint8_t* data, std::size_t size, std::size_t& consumed, frame& out);
  const std::string& error() const { return error_; }

 private:
  std::size_t max_message_;
  std::string partial_;  // a fragmented message being reassembled
  opcode partial_op_ = opcode::text;
  bool in_message_ = false;
  std::string error_;
};

// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (base64 of SHA-1 of key + GUID).
std::string accept_key(std::string_view client_key);

}  // namespace voxgate::net::ws
