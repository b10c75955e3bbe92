// What `voxgate load` measures, as pure objects: a latency histogram, and per call the audio
// position tracker that turns "bytes sent at t, bytes back at t'" into round-trip latency by audio
// position, whatever chunk sizes the audio comes back in.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace voxgate::tools {

// Microsecond values in log-linear buckets (64 per power of two: under 1.6% error), up to ~71 min.
class latency_histogram {
 public:
  void record(std::uint64_t us);
  void merge(const latency_histogram& other);
  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // The value at quantile q (0..1), as the upper edge of its bucket, clamped to the maximum seen.
  std::uint64_t quantile(double q) const;

 private:
  static constexpr int sub_bits = 6;
  static constexpr std::size_t bucket_count = (32 - sub_bits + 1) << sub_bits;
  static std::size_t bucket_of(std::uint64_t us);
  static std::uint64_t upper_edge(std::size_t bucket);
  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

// One call's audio timeline. The caller's audio is a known loop; frame k (160 bytes, 20 ms) was sent
// at sent_at(k). Audio coming back (echoed) at time t completes positions, and each completed frame
// yields t - sent_at(k). Send times are kept in a ring: a frame that comes back more than
// ring_frames later than the newest one sent is counted late, not measured.
class audio_position_tracker {
 public:
  static constexpr std::size_t frame_bytes = 160;
  static constexpr std::size_t ring_frames = 512;  // 10.24 s of audio

  void on_sent(std::uint64_t now_us);
  // Echoed bytes arriving at now_us: each completed frame's latency goes to `into`; the bytes are
  // compared with what was sent at their position (`loop` is the caller audio, repeated).
  // `steady` and `this_second` (if given) receive the same latencies: the histograms of the steady
  // window and of the current second.
  void on_received(std::span<const std::uint8_t> bytes, std::uint64_t now_us, std::span<const std::uint8_t> loop,
                   latency_histogram& into, latency_histogram* steady = nullptr,
                   latency_histogram* this_second = nullptr);

  std::uint64_t frames_sent() const { return frames_sent_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  std::uint64_t frames_back() const { return bytes_received_ / frame_bytes; }
  // Frames sent and never (fully) echoed: meaningful once the call has drained.
  std::uint64_t frames_missing() const { return frames_sent_ > frames_back() ? frames_sent_ - frames_back() : 0; }
  std::uint64_t bytes_beyond_sent() const { return bytes_beyond_sent_; }  // more came back than went out
  std::uint64_t bytes_differing() const { return bytes_differing_; }      // came back, not what was sent there
  std::uint64_t frames_late() const { return frames_late_; }

 private:
  std::array<std::uint32_t, ring_frames> sent_at_us_{};  // low 32 bits of the send time: differences hold
  std::uint64_t frames_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bytes_beyond_sent_ = 0;
  std::uint64_t bytes_differing_ = 0;
  std::uint64_t frames_late_ = 0;
};

}  // namespace voxgate::tools
