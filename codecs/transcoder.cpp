#include "codecs/transcoder.hpp"

#include "codecs/g711.hpp"
#include "codecs/pcm16.hpp"

namespace voxgate::codecs {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

transcoder::transcoder(audio_format from, audio_format to)
    : from_(from), to_(to), resampler_(from.sample_rate, to.sample_rate) {
  if (from.enc == encoding::g722) g722_in_.emplace();
  if (to.enc == encoding::g722) g722_out_.emplace();
}

void transcoder::convert(std::string_view in, std::string& out) {
  if (identity()) {
    out.append(in);
    return;
  }
  // 1. decode to PCM16 samples at the source rate
  std::string joined;
  if (from_.linear16() && !carry_.empty()) {
    joined = carry_;
    joined.append(in);
    in = joined;
    carry_.clear();
  }
  decoded_.resize(in.size() * 2);
  std::size_t n = 0;
  switch (from_.enc) {
    case encoding::pcmu:
      n = g711::decode_ulaw(bytes_of(in), decoded_);
      break;
    case encoding::pcma:
      n = g711::decode_alaw(bytes_of(in), decoded_);
      break;
    case encoding::g722:
      n = g722_in_->decode(bytes_of(in), decoded_);
      break;
    case encoding::pcm16:
    case encoding::l16:
      n = pcm16::from_bytes(bytes_of(in), decoded_);
      if (from_.enc == encoding::l16)
        for (std::size_t i = 0; i < n; ++i) decoded_[i] = pcm16::swap_bytes(decoded_[i]);
      if (in.size() % 2) carry_.assign(1, in.back());
      break;
  }
  // 2. resample
  std::span<const std::int16_t> samples(decoded_.data(), n);
  if (!resampler_.passthrough()) {
    resampled_.resize(resampler_.max_output(n));
    std::size_t m = resampler_.process(samples, resampled_);
    samples = std::span<const std::int16_t>(resampled_.data(), m);
  }
  // 3. encode
  std::size_t at = out.size();
  auto grow = [&](std::size_t bytes) {
    out.resize(at + bytes);
    return reinterpret_cast<std::uint8_t*>(out.data() + at);
  };
  switch (to_.enc) {
    case encoding::pcmu:
      g711::encode_ulaw(samples, {grow(samples.size()), samples.size()});
      break;
    case encoding::pcma:
      g711::encode_alaw(samples, {grow(samples.size()), samples.size()});
      break;
    case encoding::pcm16:
      pcm16::to_bytes(samples, {grow(samples.size() * 2), samples.size() * 2});
      break;
    case encoding::l16: {
      auto* dst = grow(samples.size() * 2);
      for (std::size_t i = 0; i < samples.size(); ++i) pcm16::store_le(pcm16::swap_bytes(samples[i]), dst + 2 * i);
      break;
    }
    case encoding::g722: {
      // The encoder keeps an odd sample for the next call (G.722 codes sample pairs).
      std::size_t room = (samples.size() + 1) / 2;
      out.resize(at + g722_out_->encode(samples, {grow(room), room}));
      break;
    }
  }
}

}  // namespace voxgate::codecs
