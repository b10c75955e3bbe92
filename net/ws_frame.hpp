// RFC 6455 framing, both roles: appending frames to a caller-owned buffer (masked as a client must,
// plain as a server does), an incremental reader of either side's frames, and the UTF-8 check text
// frames need. Pure: bytes in, frames out; the socket and the handshake live elsewhere. Used by the
// gateway's connections (net/ws_connection.hpp) and by the tools that drive many clients (`voxgate load`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace voxgate::net::ws {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Appends one final, masked frame (as a client must send) with `mask_key` applied to the payload.
void append_client_frame(std::string& out, opcode op, std::string_view payload, std::uint32_t mask_key);
// Appends one final, unmasked frame (as a server sends).
void append_server_frame(std::string& out, opcode op, std::string_view payload);

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), as a text message must be.
bool valid_utf8(std::string_view text);

// Reads frames from a byte stream: a server's (unmasked), or with `masked` a client's, whose payload
// it unmasks in place. Fragmented messages are reassembled; control frames (ping, pong, close) come
// out as they arrive, even between fragments.
class frame_reader {
 public:
  struct frame {
    opcode op = opcode::text;
    std::string_view payload;  // valid until the next call to next()
  };
  enum class status { frame, need_more, error };

  explicit frame_reader(std::size_t max_message = 1 << 20, bool masked = false)
      : max_message_(max_message), masked_(masked) {}

  // Consumes from `data`, a window that the caller advances by `consumed` after each call. A masked
  // frame's payload is unmasked where it lies, so the bytes of a frame handed out are changed.
  status next(std::uint8_t* data, std::size_t size, std::size_t& consumed, frame& out);
  const std::string& error() const { return error_; }
  // Whether the error was a message over the bound (a peer's 1009), not a broken protocol (1002).
  bool too_big() const { return too_big_; }

 private:
  std::size_t max_message_;
  bool masked_;
  std::string partial_;  // a fragmented message being reassembled
  opcode partial_op_ = opcode::text;
  bool in_message_ = false;
  std::string error_;
  bool too_big_ = false;
};

// A fresh Sec-WebSocket-Key for a client's handshake: base64 of 16 random bytes. Throws if the
// system has no random bytes to give.
std::string client_key();

// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (base64 of SHA-1 of key + GUID).
std::string accept_key(std::string_view client_key);

}  // namespace voxgate::net::ws
