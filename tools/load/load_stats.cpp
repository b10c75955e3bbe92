#include "tools/load/load_stats.hpp"

#include <algorithm>
#include <bit>

namespace voxgate::tools {

std::size_t latency_histogram::bucket_of(std::uint64_t us) {
  us = std::min<std::uint64_t>(us, (std::uint64_t{1} << 32) - 1);
  if (us < (1u << sub_bits)) return static_cast<std::size_t>(us);
  int shift = std::bit_width(us) - 1 - sub_bits;  // keeps sub_bits + 1 significant bits
  return (static_cast<std::size_t>(shift + 1) << sub_bits) + ((us >> shift) - (1u << sub_bits));
}

std::uint64_t latency_histogram::upper_edge(std::size_t bucket) {
  if (bucket < (1u << sub_bits)) return bucket;
  std::size_t shift = (bucket >> sub_bits) - 1;
  std::uint64_t mantissa = (bucket & ((1u << sub_bits) - 1)) + (1u << sub_bits);
  return ((mantissa + 1) << shift) - 1;
}

void latency_histogram::record(std::uint64_t us) {
  ++buckets_[bucket_of(us)];
  ++count_;
  max_ = std::max(max_, us);
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_edge(i), max_);
  }
  return max_;
}

void audio_position_tracker::on_sent(std::uint64_t now_us) {
  sent_at_us_[frames_sent_ % ring_frames] = static_cast<std::uint32_t>(now_us);
  ++frames_sent_;
}

void audio_position_tracker::on_received(std::span<const std::uint8_t> bytes, std::uint64_t now_us,
                                         std::span<const std::uint8_t> loop, latency_histogram& into,
                                         latency_histogram* steady, latency_histogram* this_second) {
  std::uint64_t sent_bytes = frames_sent_ * frame_bytes;
  std::uint64_t frames_before = bytes_received_ / frame_bytes;
  std::uint64_t within_sent =
      bytes_received_ < sent_bytes ? std::min<std::uint64_t>(bytes.size(), sent_bytes - bytes_received_) : 0;
  bytes_beyond_sent_ += bytes.size() - within_sent;
  if (!loop.empty()) {
    std::size_t at = static_cast<std::size_t>(bytes_received_ % loop.size());  // where in the loop this chunk starts
    for (std::size_t i = 0; i < within_sent; ++i) {
      bytes_differing_ += bytes[i] != loop[at];
      if (++at == loop.size()) at = 0;
    }
  }
  bytes_received_ += bytes.size();
  std::uint64_t frames_after = std::min(bytes_received_ / frame_bytes, frames_sent_);
  for (std::uint64_t k = frames_before; k < frames_after; ++k) {
    if (frames_sent_ - k > ring_frames) {
      ++frames_late_;
      continue;
    }
    std::uint32_t latency = static_cast<std::uint32_t>(now_us) - sent_at_us_[k % ring_frames];
    into.record(latency);
    if (steady) steady->record(latency);
    if (this_second) this_second->record(latency);
  }
}

}  // namespace voxgate::tools
