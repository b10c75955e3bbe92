// A streaming mono PCM16 resampler on libspeexdsp (8/16/24 kHz and others).
// One per direction per call: it carries filter state across chunks of any size, and is never reset mid-stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct SpeexResamplerState_;

namespace voxgate::codecs {

class resampler {
 public:
  // quality: 0..10 (speex); 5 is speex's VoIP default, 3 is cheaper, 8 is near-transparent.
  resampler(std::uint32_t in_rate, std::uint32_t out_rate, int quality = 5);
  ~resampler();
  resampler(resampler&&) noexcept;
  resampler& operator=(resampler&&) noexcept;

  std::uint32_t in_rate() const { return in_rate_; }
  std::uint32_t out_rate() const { return out_rate_; }
  bool passthrough() const { return in_rate_ == out_rate_; }

  // The most output samples `process` can produce for `in_samples` input samples.
  std::size_t max_output(std::size_t in_samples) const;
  // Consumes every input sample; returns the number of samples written to `out`.
  std::size_t process(std::span<const std::int16_t> in, std::span<std::int16_t> out);
  // Convenience: appends the output to `out`.
  void process_append(std::span<const std::int16_t> in, std::vector<std::int16_t>& out);

 private:
  struct deleter {
    void operator()(SpeexResamplerState_* s) const;
  };
  std::uint32_t in_rate_;
  std::uint32_t out_rate_;
  std::unique_ptr<SpeexResamplerState_, deleter> state_;
};

}  // namespace voxgate::codecs
