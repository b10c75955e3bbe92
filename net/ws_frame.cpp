#include "net/ws_frame.hpp"

#include <openssl/sha.h>

#include <cstring>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"

namespace voxgate::net::ws {

namespace {

void append_header(std::string& out, opcode op, std::size_t n, bool masked) {
  char head[10];
  std::size_t head_size = 2;
  char mask_bit = masked ? static_cast<char>(0x80) : 0;
  head[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  if (n < 126) {
    head[1] = static_cast<char>(mask_bit | static_cast<char>(n));
  } else if (n <= 0xffff) {
    head[1] = static_cast<char>(mask_bit | 126);
    head[2] = static_cast<char>(n >> 8);
    head[3] = static_cast<char>(n & 0xff);
    head_size = 4;
  } else {
    head[1] = static_cast<char>(mask_bit | 127);
    for (int i = 0; i < 8; ++i) head[2 + i] = static_cast<char>((n >> (56 - 8 * i)) & 0xff);
    head_size = 10;
  }
  out.append(head, head_size);
}

// XORs `n` bytes with the 4-byte key, eight at a time with the key repeated twice (the byte order of
// the word doesn't matter: the same bytes of key and payload meet), then the tail byte by byte.
void apply_mask(const std::uint8_t* from, std::uint8_t* to, std::size_t n, const std::uint8_t (&mask)[4]) {
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

}  // namespace

void append_client_frame(std::string& out, opcode op, std::string_view payload, std::uint32_t mask_key) {
  append_header(out, op, payload.size(), true);
  const std::uint8_t mask[4] = {static_cast<std::uint8_t>(mask_key >> 24), static_cast<std::uint8_t>(mask_key >> 16),
                                static_cast<std::uint8_t>(mask_key >> 8), static_cast<std::uint8_t>(mask_key)};
  out.append(reinterpret_cast<const char*>(mask), 4);
  std::size_t at = out.size();
  out.resize(at + payload.size());
  apply_mask(reinterpret_cast<const std::uint8_t*>(payload.data()), reinterpret_cast<std::uint8_t*>(out.data() + at),
             payload.size(), mask);
}

void append_server_frame(std::string& out, opcode op, std::string_view payload) {
  append_header(out, op, payload.size(), false);
  out.append(payload);
}

bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Eight ASCII bytes at a time: the common case of JSON.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    std::uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    std::uint8_t lo = 0x80, hi = 0xbf;  // the bounds of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) lo = 0xa0;       // no overlong forms
      else if (c == 0xed) hi = 0x9f;  // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) lo = 0x90;       // no overlong forms
      else if (c == 0xf4) hi = 0x8f;  // nothing past U+10FFFF
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < n || p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i < n; ++i)
      if ((p[i] & 0xc0) != 0x80) return false;
    p += n;
  }
  return true;
}

frame_reader::status frame_reader::next(std::uint8_t* data, std::size_t size, std::size_t& consumed, frame& out) {
  consumed = 0;
  for (;;) {
    if (size - consumed < 2) return status::need_more;
    std::uint8_t* p = data + consumed;
    bool fin = p[0] & 0x80;
    if (p[0] & 0x70) {
      error_ = "reserved bits set (no extension was negotiated)";
      return status::error;
    }
    auto op = static_cast<opcode>(p[0] & 0x0f);
    if (static_cast<bool>(p[1] & 0x80) != masked_) {
      error_ = masked_ ? "the client did not mask a frame" : "the server masked a frame";
      return status::error;
    }
    std::size_t header = 2;
    std::uint64_t len = p[1] & 0x7f;
    if (len == 126) {
      if (size - consumed < 4) return status::need_more;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
      if (len < 126) {
        error_ = "a length not in its shortest form";
        return status::error;
      }
    } else if (len == 127) {
      if (size - consumed < 10) return status::need_more;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
      if (len <= 0xffff || (len >> 63) != 0) {
        error_ = "a length not in its shortest form, or with its top bit set";
        return status::error;
      }
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
    // A continuation adds to the message it continues; any other frame stands alone.
    bool continues = op == opcode::continuation && in_message_;
    if (len > max_message_ || (continues && partial_.size() + len > max_message_)) {
      error_ = "a message larger than " + std::to_string(max_message_) + " bytes";
      too_big_ = true;
      return status::error;
    }
    std::size_t key_at = header;
    if (masked_) header += 4;
    if (size - consumed < header || size - consumed - header < len) return status::need_more;
    if (masked_) {
      const std::uint8_t key[4] = {p[key_at], p[key_at + 1], p[key_at + 2], p[key_at + 3]};
      apply_mask(p + header, p + header, static_cast<std::size_t>(len), key);
    }
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

std::string client_key() { return codecs::base64::encode(crypto::random_bytes(16)); }

std::string accept_key(std::string_view client_key) {
  std::string text(client_key);
  text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return codecs::base64::encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace voxgate::net::ws
