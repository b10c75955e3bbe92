// The call's playout clock: holds AI audio locally, feeds the provider at most `lead_ms` ahead of
// what it has played, and knows at every moment how much of each AI item the caller really heard.
// Pure: time comes in as milliseconds on a monotonic clock; nothing here sends or sleeps.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/audio_format.hpp"

namespace voxgate::actors {

class playout {
 public:
  struct options {
    codecs::audio_format format = codecs::audio_format::g711_ulaw();
    std::uint32_t lead_ms = 400;           // most audio the provider may hold unplayed
    std::uint32_t chunk_ms = 100;          // largest chunk handed over at once; a mark every chunk_ms of audio
    std::uint32_t max_queued_ms = 120000;  // bound on AI audio held here; beyond it, audio is dropped
    // Shortest chunk handed over, for a provider that plays short ones with gaps (Exotel); a shorter
    // one leaves only at the end of what is queued, once the provider has played everything before it.
    std::uint32_t min_chunk_ms = 0;
    // Chunks are whole multiples of this many ms, for a provider that takes only exact frames (Vonage:
    // 20); a tail shorter than a frame leaves, padded with silence, once the provider has at most one
    // frame left to play. 0: any length.
    std::uint32_t frame_ms = 0;
    // A provider with no marks and no buffer of its own (AudioSocket): what was handed over counts as
    // played by this clock alone; while nothing is queued, a chunk of silence keeps the line fed (one
    // chunk ahead); and a barge-in clears nothing there, so what was handed over counts as heard.
    bool self_clocked = false;
  };

  struct chunk {
    std::string audio;  // raw bytes in the provider's format
    std::string mark;   // mark name to send right after it; empty when less than chunk_ms went since the last
  };

  struct interruption {
    bool was_playing = false;        // anything queued here or unplayed at the provider
    std::string item_id;             // the item being heard when the caller spoke ("" if none)
    std::uint32_t audio_end_ms = 0;  // how much of that item was heard, clamped to what was received
  };

  explicit playout(options o);

  // AI audio for `item_id`. Audio of an interrupted item is discarded (it can still arrive after a
  // cancel); audio beyond max_queued_ms is dropped and counted. Returns the bytes dropped.
  std::size_t push(std::string_view item_id, std::span<const std::uint8_t> bytes);
  // The next chunk to send now, if the lead allows and anything is queued (or silence is due).
  std::optional<chunk> next(std::uint64_t now_ms);
  // The same with no copy: `audio` spans this playout's own buffer, valid until the next call to push,
  // next or interrupt; `mark` is a caller-owned buffer reused from chunk to chunk.
  bool next(std::uint64_t now_ms, std::span<const std::uint8_t>& audio, std::string& mark);
  // A mark came back: the provider played (or cleared) everything before it.
  void on_mark(std::string_view name, std::uint64_t now_ms);
  // The caller spoke: forget the queue, start a new generation, report what was heard.
  interruption interrupt(std::uint64_t now_ms);

  std::uint64_t played_ms(std::uint64_t now_ms) const;  // in this generation's timeline
  std::uint64_t sent_ms() const { return sent_bytes_ / bpm_; }
  std::size_t queued_bytes() const { return queue_.size() - head_; }
  // Milliseconds until the provider has played everything handed to it and queued here.
  std::uint64_t remaining_ms(std::uint64_t now_ms) const;
  bool idle(std::uint64_t now_ms) const { return remaining_ms(now_ms) == 0; }
  std::uint32_t generation() const { return generation_; }
  std::uint64_t overflow_bytes() const { return overflow_bytes_; }

 private:
  static constexpr std::size_t max_items = 4096;

  void forget_played(std::uint64_t played_ms);
  void pad_to(std::size_t bytes);  // silence after the queued audio, up to `bytes` queued

  struct item {
    std::string id;
    std::uint64_t start_byte;  // position of its first byte in this generation's timeline
    std::uint64_t bytes;       // received so far
  };

  options options_;
  std::uint32_t bpm_;  // bytes per millisecond
  // Queued audio: bytes [head_, size) of queue_; compacted instead of reallocated.
  std::vector<std::uint8_t> queue_;
  std::size_t head_ = 0;
  std::deque<item> items_;
  std::uint64_t pushed_bytes_ = 0;  // timeline position of the next byte pushed
  std::uint64_t sent_bytes_ = 0;    // timeline position of the next byte sent
  // Playback estimate: at `anchor_time_`, the provider had played up to `anchor_ms_`.
  std::uint64_t anchor_ms_ = 0;
  std::uint64_t anchor_time_ = 0;
  bool anchored_ = false;
  std::uint32_t generation_ = 0;
  std::uint32_t mark_seq_ = 0;
  std::uint64_t marked_ms_ = 0;  // timeline position of the last mark
  std::string interrupted_item_;
  std::uint64_t overflow_bytes_ = 0;
  std::uint64_t audio_end_bytes_ = 0;  // timeline position after the last AI audio pushed (silence is not)
  std::vector<std::uint8_t> silence_;  // one chunk of it (self_clocked)
};

}  // namespace voxgate::actors
