// Type-length-value frames (kind: 1 byte, length: 2 bytes big-endian, then the payload), as Asterisk's
// AudioSocket frames its TCP stream: cut out of a byte stream however it was split. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace voxgate::net {

inline constexpr std::size_t tlv_header_bytes = 3;
inline constexpr std::size_t max_tlv_payload = 65535;  // the length field's width

// Cuts a byte stream into whole frames, header and payload together, however the bytes were split.
// Pure: fed what a read returned, asked for the frames now complete.
class tlv_assembler {
 public:
  explicit tlv_assembler(std::size_t max_payload = max_tlv_payload) : max_payload_(max_payload) {}
  void append(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame into `frame` (true), or false when it has not all come yet, or the stream is
  // broken: then error() says why (a length over the bound) and nothing more comes out.
  bool next(std::string& frame);
  std::string_view error() const { return error_; }
  std::size_t buffered() const { return buffer_.size() - head_; }

 private:
  std::size_t max_payload_;
  std::string buffer_;
  std::size_t head_ = 0;  // bytes before it were handed out
  std::string error_;
};

}  // namespace voxgate::net
