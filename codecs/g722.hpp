// G.722 (64 kbit/s, 16 kHz) on libspandsp: stateful encoder and decoder, one per stream direction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

struct g722_encode_state_s;
struct g722_decode_state_s;

namespace voxgate::codecs::g722 {

class encoder {
 public:
  encoder();
  ~encoder();
  encoder(encoder&&) noexcept;
  encoder& operator=(encoder&&) noexcept;
  // Two samples make one byte: `out` needs (in.size() + 1) / 2 bytes; what does not fit is dropped.
  // An odd sample waits for the next call, so chunks of any length encode as one stream. Returns
  // bytes written.
  std::size_t encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out);

 private:
  struct release {
    void operator()(g722_encode_state_s* s) const;
  };
  std::unique_ptr<g722_encode_state_s, release> state_;
  std::int16_t pending_ = 0;
  bool has_pending_ = false;
};

class decoder {
 public:
  decoder();
  ~decoder();
  decoder(decoder&&) noexcept;
  decoder& operator=(decoder&&) noexcept;
  // `out` needs in.size() * 2 samples; input beyond that room is dropped. Returns samples written.
  std::size_t decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out);

 private:
  struct release {
    void operator()(g722_decode_state_s* s) const;
  };
  std::unique_ptr<g722_decode_state_s, release> state_;
};

}  // namespace voxgate::codecs::g722
