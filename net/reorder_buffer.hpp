// Puts numbered frames back in order with a small bound: providers that do not guarantee order
// (Telnyx) get their media reordered; a gap that outlives the bound is skipped and counted.
// In-order frames pass straight through with no allocation. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace voxgate::net {

template <class T>
class reorder_buffer {
 public:
  explicit reorder_buffer(std::size_t max_held = 5) : max_held_(max_held) {}

  // Accepts frame number `seq` (0 = unnumbered: passed through). Calls emit(T&&) for every frame now
  // in order.
  template <class Emit>
  void push(std::uint64_t seq, T item, Emit&& emit) {
    if (seq == 0) {
      emit(std::move(item));
      return;
    }
    if (!started_) {
      next_ = seq;
      started_ = true;
    }
    if (seq < next_ || held_.count(seq)) {
      ++late_;  // a duplicate, or it arrived after we gave up waiting for it
      return;
    }
    if (seq == next_ && held_.empty()) {
      ++next_;
      emit(std::move(item));
      return;
    }
    held_.emplace(seq, std::move(item));
    flush(emit);
    while (held_.size() > max_held_) {
      skipped_ += held_.begin()->first - next_;  // the missing ones are not coming in time
      next_ = held_.begin()->first;
      flush(emit);
    }
  }

  std::uint64_t late() const { return late_; }
  std::uint64_t skipped() const { return skipped_; }
  std::size_t held() const { return held_.size(); }

 private:
  template <class Emit>
  void flush(Emit& emit) {
    for (auto it = held_.begin(); it != held_.end() && it->first == next_; it = held_.erase(it)) {
      ++next_;
      emit(std::move(it->second));
    }
  }

  std::size_t max_held_;
  bool started_ = false;
  std::uint64_t next_ = 0;
  std::uint64_t late_ = 0;
  std::uint64_t skipped_ = 0;
  std::map<std::uint64_t, T> held_;
};

}  // namespace voxgate::net
