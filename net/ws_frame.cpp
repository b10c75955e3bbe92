#include "net/ws_frame.hpp"

#include <openssl/sha.h>

#include <cstring>

#include "codecs/base64.hpp"

namespace voxgate::net::ws {

void append_client_frame(std::string& out, opcode op, std::string_view payload, std::uint32_t mask_key) {
  std::size_t n = payload.size();
  char head[14];
  std::size_t head_size = 2;
  head[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  if (n < 126) {
    head[1] = static_cast<char>(0x80 | n);
  } else if (n <= 0xffff) {
    head[1] = static_cast<char>(0x80 | 126);
    head[2] = static_cast<char>(n >> 8);
    head[3] = static_cast<char>(n & 0xff);
    head_size = 4;
  } else {
    head[1] = static_cast<char>(0x80 | 127);
    for (int i = 0; i < 8; ++i) head[2 + i] = static_cast<char>((n >> (56 - 8 * i)) & 0xff);
    head_size = 10;
  }
  const std::uint8_t mask[4] = {static_cast<std::uint8_t>(mask_key >> 24), static_cast<std::uint8_t>(mask_key >> 16),
                                static_cast<std::uint8_t>(mask_key >> 8), static_cast<std::uint8_t>(mask_key)};
  std::memcpy(head + head_size, mask, 4);
  out.append(head, head_size + 4);
  std::size_t at = out.size();
  out.resize(at + n);
  auto* to = reinterpret_cast<std::uint8_t*>(out.data() + at);
  const auto* from = reinterpret_cast<const std::uint8_t*>(payload.data());
  // Eight bytes at a time with the key repeated twice (the byte order of the word doesn't matter:
  // the same bytes of key and payload meet), then the tail byte by byte.
  std::uint8_t key8[8] = {mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3]};
  std::uint64_t key_word;
  std::memcpy(&key_word, key8, 8);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, from + i, 8);
    word ^= key_word;
    std::memcpy(to + i, &word, 8);
  }
  for (; i < n; ++i) to[i] = from[i] ^ mask[i & 3];
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
    if ((op > opcode::binary && op < opcode::close) || op > opcode::pong) {
      error_ = "unknown opcode " + std::to_string(static_cast<int>(op));  // 3-7 and 0xB-0xF are reserved
      return status::error;
    }
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
