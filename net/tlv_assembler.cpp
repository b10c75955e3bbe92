#include "net/tlv_assembler.hpp"

namespace voxgate::net {

bool tlv_assembler::next(std::string& frame) {
  if (!error_.empty() || buffered() < tlv_header_bytes) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + head_);
  std::size_t length = static_cast<std::size_t>(p[1]) << 8 | p[2];
  if (length > max_payload_) {
    error_ = "frame of " + std::to_string(length) + " bytes, over the bound of " + std::to_string(max_payload_);
    return false;
  }
  if (buffered() < tlv_header_bytes + length) return false;
  frame.assign(buffer_, head_, tlv_header_bytes + length);
  head_ += tlv_header_bytes + length;
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = 0;
  } else if (head_ >= 4096) {  // reclaim what was handed out
    buffer_.erase(0, head_);
    head_ = 0;
  }
  return true;
}

}  // namespace voxgate::net
