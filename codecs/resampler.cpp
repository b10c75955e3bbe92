#include "codecs/resampler.hpp"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <stdexcept>

namespace voxgate::codecs {

void resampler::deleter::operator()(SpeexResamplerState_* s) const { speex_resampler_destroy(s); }

resampler::resampler(std::uint32_t in_rate, std::uint32_t out_rate, int quality)
    : in_rate_(in_rate), out_rate_(out_rate) {
  if (in_rate == out_rate) return;
  int err = 0;
  state_.reset(speex_resampler_init(1, in_rate, out_rate, quality, &err));
  if (!state_ || err != RESAMPLER_ERR_SUCCESS) throw std::invalid_argument(speex_resampler_strerror(err));
  // Start with the filter primed so the first chunk is not a burst of zeros.
  speex_resampler_skip_zeros(state_.get());
}

resampler::~resampler() = default;
resampler::resampler(resampler&&) noexcept = default;
resampler& resampler::operator=(resampler&&) noexcept = default;

std::size_t resampler::max_output(std::size_t in_samples) const { return in_samples * out_rate_ / in_rate_ + 16; }

std::size_t resampler::process(std::span<const std::int16_t> in, std::span<std::int16_t> out) {
  if (passthrough()) {
    std::size_t n = std::min(in.size(), out.size());
    std::copy_n(in.begin(), n, out.begin());
    return n;
  }
  std::size_t done_in = 0;
  std::size_t done_out = 0;
  while (done_in < in.size() && done_out < out.size()) {
    spx_uint32_t in_len = static_cast<spx_uint32_t>(in.size() - done_in);
    spx_uint32_t out_len = static_cast<spx_uint32_t>(out.size() - done_out);
    speex_resampler_process_int(state_.get(), 0, in.data() + done_in, &in_len, out.data() + done_out, &out_len);
    if (in_len == 0 && out_len == 0) break;
    done_in += in_len;
    done_out += out_len;
  }
  return done_out;
}

void resampler::process_append(std::span<const std::int16_t> in, std::vector<std::int16_t>& out) {
  std::size_t at = out.size();
  out.resize(at + max_output(in.size()));
  std::size_t n = process(in, std::span(out).subspan(at));
  out.resize(at + n);
}

}  // namespace voxgate::codecs
