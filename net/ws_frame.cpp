#include "net/ws_frame.hpp"

#include <openssl/sha.h>

#include <cstring>

#include "codecs/base64.hpp"

namespace voxgate::net::ws {

void append_client_frame(std::string& out, opcode op, std::string_view payload, std::uint32_t mask_key) {
  std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  std::uint8_t mask[4] = {static_cast<std::uint8_t>(mask_key >> 24), static_cast<std::uint8_t>(mask_key >> 16),
                          static_cast<std::uint8_t>(mask_key >> 8), static_cast<std::uint8_t>(mask_key)};
  out.append(reinterpret_cast<const char*>(mask), 4);
  std::size_t at = out.size();
  out.append(payload);
  char* p = out.data() + at;
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<char>(static_cast<std::uint8_t>(p[i]) ^ mask[i & 3]);
}

frame_reader::status frame_reader::next(const std::uint8_t* data, std::size_t size, std::size_t& consumed, frame& out) {
  consumed = 0;
  for (;;) {
    if (size - consumed < 2) return status::need_more;
    const std::uint8_t* p = data + consumed;
    bool fin = p[0] & 0x80;
    if (p[0] & 0x70) {
      error_ = "reserved bits set (no extension was negotiated)";
      return status::error;
    }
    auto op = static_cast<opcode>(p[0] & 0x0f);
    if (p[1] & 0x80) {
      error_ = "the server masked a frame";
      return status::error;
    }
    std::size_t header = 2;
    std::uint64_t len = p[1] & 0x7f;
    if (len == 126) {
      if (size - consumed < 4) return status::need_more;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (size - consumed < 10) return status::need_more;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
    }
    bool control = static_cast<std::uint8_t>(op) >= 8;
    if (control && (len > 125 || !fin)) {
      error_ = "a control frame longer than 125 bytes or fragmented";
      return status::error;
    }
    if (len > max_message_ || partial_.size() + len > max_message_) {
      error_ = "a message larger than " + std::to_string(max_message_) + " bytes";
      return status::error;
    }
    if (size - consumed - header < len) return status::need_more;
    std::string_view payload(reinterpret_cast<const char*>(p + header), static_cast<std::size_t>(len));
    consumed += header + static_cast<std::size_t>(len);
    if (control) {
      out = {op, payload};
      return status::frame;
    }
    if (op == opcode::continuation) {
      if (!in_message_) {
        error_ = "a continuation frame with no message to continue";
        return status::error;
      }
      partial_.append(payload);
      if (!fin) continue;
      in_message_ = false;
      out = {partial_op_, partial_};
      return status::frame;
    }
    if (op != opcode::text && op != opcode::binary) {
      error_ = "unknown opcode " + std::to_string(static_cast<int>(op));
      return status::error;
    }
    if (in_message_) {
      error_ = "a new message started before the last one finished";
      return status::error;
    }
    if (fin) {
      out = {op, payload};
      return status::frame;
    }
    in_message_ = true;
    partial_op_ = op;
    partial_.assign(payload);
  }
}

std::string accept_key(std::string_view client_key) {
  std::string text(client_key);
  text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return codecs::base64::encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace voxgate::net::ws
