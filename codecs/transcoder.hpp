// One direction of audio conversion between two formats: decode, resample, encode, keeping state.
// Pure: bytes in, bytes out. The transcoder actor owns one per direction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/audio_format.hpp"
#include "codecs/g722.hpp"
#include "codecs/resampler.hpp"

namespace voxgate::codecs {

class transcoder {
 public:
  transcoder(audio_format from, audio_format to);

  audio_format from() const { return from_; }
  audio_format to() const { return to_; }
  bool identity() const { return from_ == to_; }

  // Converts `in` (bytes in `from`) and appends bytes in `to` to `out`. A trailing odd byte of
  // 16-bit input, or an odd sample before G.722 encoding, is kept for the next call.
  void convert(std::string_view in, std::string& out);

 private:
  audio_format from_;
  audio_format to_;
  resampler resampler_;
  std::optional<g722::decoder> g722_in_;
  std::optional<g722::encoder> g722_out_;
  std::vector<std::int16_t> decoded_;  // reused scratch: no allocation after warm-up
  std::vector<std::int16_t> resampled_;
  std::string carry_;                        // odd byte of a split 16-bit sample
};

}  // namespace voxgate::codecs
