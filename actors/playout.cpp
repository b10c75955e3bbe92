#include "actors/playout.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace voxgate::actors {

playout::playout(options o) : options_(o), bpm_(o.format.bytes_per_ms()) {
  if (!o.self_clocked) return;
  std::uint8_t quiet = o.format.enc == codecs::encoding::pcmu ? 0xff : o.format.enc == codecs::encoding::pcma ? 0xd5 : 0;
  silence_.assign(static_cast<std::size_t>(o.chunk_ms) * bpm_, quiet);
}

std::size_t playout::push(std::string_view item_id, std::span<const std::uint8_t> bytes) {
  if (bytes.empty() || (!interrupted_item_.empty() && item_id == interrupted_item_)) return 0;
  std::size_t room = static_cast<std::size_t>(options_.max_queued_ms) * bpm_;
  room = room > queued_bytes() ? room - queued_bytes() : 0;
  std::size_t dropped = 0;
  if (bytes.size() > room) {
    dropped = bytes.size() - room;
    overflow_bytes_ += dropped;
    bytes = bytes.first(room - room % options_.format.alignment());
    if (bytes.empty()) return dropped;
  }
  if (items_.empty() || items_.back().id != item_id) items_.push_back({std::string(item_id), pushed_bytes_, 0});
  items_.back().bytes += bytes.size();
  pushed_bytes_ += bytes.size();
  audio_end_bytes_ = pushed_bytes_;
  if (head_ > 0 && head_ >= queue_.size() / 2) {  // reclaim the sent prefix before growing
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  queue_.insert(queue_.end(), bytes.begin(), bytes.end());
  // Items are forgotten once played (next()); this cap only bounds an AI that sends thousands of
  // tiny items faster than they play.
  while (items_.size() > max_items) items_.pop_front();
  return dropped;
}

std::uint64_t playout::played_ms(std::uint64_t now_ms) const {
  if (!anchored_) return 0;
  std::uint64_t estimate = anchor_ms_ + (now_ms - anchor_time_);
  return std::min(estimate, sent_ms());
}

std::uint64_t playout::remaining_ms(std::uint64_t now_ms) const {
  auto end = audio_end_bytes_ / bpm_, played = played_ms(now_ms);
  return end > played ? end - played : 0;
}

std::optional<playout::chunk> playout::next(std::uint64_t now_ms) {
  chunk c;
  std::span<const std::uint8_t> audio;
  if (!next(now_ms, audio, c.mark)) return std::nullopt;
  c.audio.assign(reinterpret_cast<const char*>(audio.data()), audio.size());
  return c;
}

bool playout::next(std::uint64_t now_ms, std::span<const std::uint8_t>& audio, std::string& mark) {
  bool fill = queued_bytes() == 0 && options_.self_clocked;
  if (queued_bytes() == 0 && !fill) return false;
  std::uint64_t played = played_ms(now_ms);
  // The provider ran dry (or never started): playback restarts at the next byte we send.
  if (!anchored_ || played >= sent_ms()) {
    anchor_ms_ = sent_ms();
    anchor_time_ = now_ms;
    anchored_ = true;
    played = anchor_ms_;
  }
  forget_played(played);
  std::uint64_t ahead = sent_ms() - played;
  if (fill) {
    // The AI is silent: one chunk of silence ahead, no more, so that its next words wait for none.
    if (ahead >= options_.chunk_ms) return false;
    audio = {silence_.data(), silence_.size()};
    pushed_bytes_ += silence_.size();
    sent_bytes_ += silence_.size();
    mark.clear();
    return true;
  }
  if (ahead >= options_.lead_ms) return false;
  std::size_t room = static_cast<std::size_t>((options_.lead_ms - ahead) * bpm_);
  std::size_t n = std::min({queued_bytes(), static_cast<std::size_t>(options_.chunk_ms) * bpm_, room});
  // Whole samples only.
  n -= n % options_.format.alignment();
  if (options_.frame_ms) {
    // Whole frames only; the tail of a reply waits until the provider has at most a frame left to
    // play (more audio may still come to fill it), then leaves padded with silence.
    std::size_t frame = static_cast<std::size_t>(options_.frame_ms) * bpm_;
    if (n >= frame) {
      n -= n % frame;
    } else {
      if (queued_bytes() > n || ahead > options_.frame_ms) return false;
      pad_to(frame);
      n = frame;
    }
  }
  if (n == 0) return false;
  if (n < static_cast<std::size_t>(options_.min_chunk_ms) * bpm_) {
    // Too short for this provider: wait for room, or for more audio; the tail leaves once the provider
    // has nothing left to play.
    if (queued_bytes() > n || ahead > 0) return false;
  }
  audio = {queue_.data() + head_, n};
  head_ += n;
  if (head_ == queue_.size()) {  // the bytes stay where they are until the next push
    queue_.clear();
    head_ = 0;
  }
  sent_bytes_ += n;
  if (options_.self_clocked) {  // nothing to mark: the clock is the only estimate
    mark.clear();
    return true;
  }
  // Audio that trickles in (an AI streaming in real time) leaves in small chunks: one mark per
  // chunk_ms of audio is enough to keep the playback estimate anchored, at a fraction of the messages.
  if (sent_ms() - marked_ms_ < options_.chunk_ms) {
    mark.clear();
    return true;
  }
  marked_ms_ = sent_ms();
  // "g<generation>.<seq>.<end_ms>", written without temporaries.
  char buf[64];
  int len = std::snprintf(buf, sizeof buf, "g%u.%u.%llu", generation_, ++mark_seq_,
                          static_cast<unsigned long long>(sent_ms()));
  mark.assign(buf, static_cast<std::size_t>(len));
  return true;
}

void playout::pad_to(std::size_t bytes) {
  if (queued_bytes() >= bytes) return;
  // Silence in the provider's encoding: µ-law and A-law have no zero level at byte 0.
  std::uint8_t silence = options_.format.enc == codecs::encoding::pcmu   ? 0xFF
                         : options_.format.enc == codecs::encoding::pcma ? 0xD5
                                                                         : 0x00;
  auto pad = bytes - queued_bytes();
  queue_.insert(queue_.end(), pad, silence);
  pushed_bytes_ += pad;  // on the timeline (it plays), but no item's audio: truncation never counts it
}

void playout::forget_played(std::uint64_t played_ms) {
  // The item being heard is the last one that starts at or before the played position: every
  // item before it is over and can no longer be interrupted.
  std::uint64_t played_byte = played_ms * bpm_;
  while (items_.size() > 1 && items_[1].start_byte <= played_byte) items_.pop_front();
}

void playout::on_mark(std::string_view name, std::uint64_t now_ms) {
  // "g<generation>.<seq>.<end_ms>": marks of an earlier generation were flushed by a clear, not played.
  if (name.size() < 2 || name[0] != 'g') return;
  auto dot1 = name.find('.');
  auto dot2 = name.rfind('.');
  if (dot1 == std::string_view::npos || dot2 == dot1) return;
  std::uint32_t gen = 0;
  std::uint64_t end_ms = 0;
  auto g = name.substr(1, dot1 - 1);
  auto e = name.substr(dot2 + 1);
  if (std::from_chars(g.data(), g.data() + g.size(), gen).ec != std::errc{}) return;
  if (std::from_chars(e.data(), e.data() + e.size(), end_ms).ec != std::errc{}) return;
  if (gen != generation_ || end_ms > sent_ms()) return;
  // The provider has just finished playing up to end_ms: re-anchor the estimate on that fact.
  anchor_ms_ = end_ms;
  anchor_time_ = now_ms;
  anchored_ = true;
}

playout::interruption playout::interrupt(std::uint64_t now_ms) {
  interruption out;
  std::uint64_t played = played_ms(now_ms);
  out.was_playing = !queue_.empty() || played * bpm_ < audio_end_bytes_;
  // Self-clocked, nothing handed over can be taken back: the caller hears all of it.
  std::uint64_t played_byte = options_.self_clocked ? std::min(sent_bytes_, audio_end_bytes_) : played * bpm_;
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->start_byte <= played_byte || it == std::prev(items_.rend())) {
      out.item_id = it->id;
      std::uint64_t heard = played_byte > it->start_byte ? (played_byte - it->start_byte) / bpm_ : 0;
      out.audio_end_ms = static_cast<std::uint32_t>(std::min<std::uint64_t>(heard, it->bytes / bpm_));
      break;
    }
  }
  if (out.was_playing) interrupted_item_ = out.item_id;
  std::uint64_t in_flight_ms = sent_ms();
  // A new generation: a fresh timeline, and marks sent before now will be ignored.
  ++generation_;
  queue_.clear();
  head_ = 0;
  items_.clear();
  pushed_bytes_ = sent_bytes_ = audio_end_bytes_ = 0;
  marked_ms_ = 0;
  anchored_ = false;
  anchor_ms_ = anchor_time_ = 0;
  if (options_.self_clocked && played < in_flight_ms) {
    // What is still playing at the far end stays on the clock: the next audio waits behind it.
    pushed_bytes_ = sent_bytes_ = (in_flight_ms - played) * bpm_;
    anchored_ = true;
    anchor_time_ = now_ms;
  }
  return out;
}

}  // namespace voxgate::actors
