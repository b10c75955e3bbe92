// A socket's outbound queue (text frames, or binary ones where a provider streams raw audio): the frames being sent at the front, a byte bound behind them. Over the
// bound, the oldest droppable (audio) frame not in flight is dropped and counted; control frames
// (marks, clear, close) never are, and nothing ever blocks. Pure: the connection drives it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace voxgate::net {

class outbound_queue {
 public:
  explicit outbound_queue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Queues a frame; returns how many frames were dropped to make room. The first `in_flight` frames
  // (those being sent) are never dropped.
  std::size_t push(std::string text, bool droppable, std::size_t in_flight, bool binary = false) {
    bytes_ += text.size();
    frames_.push_back({std::move(text), droppable, binary});
    std::size_t dropped = 0;
    for (std::size_t i = in_flight; bytes_ > max_bytes_ && i < frames_.size();) {
      if (frames_[i].droppable) {
        bytes_ -= frames_[i].text.size();
        frames_.erase(frames_.begin() + static_cast<std::ptrdiff_t>(i));
        ++dropped;
      } else {
        ++i;
      }
    }
    return dropped;
  }
  const std::string& front() const { return frames_.front().text; }
  bool front_is_binary() const { return frames_.front().binary; }
  // How many frames from the front fit in `bytes` together (the first always counts).
  std::size_t count_within(std::size_t bytes) const {
    std::size_t n = 0, total = 0;
    for (const auto& f : frames_) {
      total += f.text.size();
      if (n > 0 && total > bytes) break;
      ++n;
    }
    return n;
  }
  void pop() {
    bytes_ -= frames_.front().text.size();
    frames_.pop_front();
  }
  void clear() {
    frames_.clear();
    bytes_ = 0;
  }
  bool empty() const { return frames_.empty(); }
  std::size_t size() const { return frames_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  struct frame {
    std::string text;
    bool droppable;
    bool binary;  // a binary frame (raw audio), else text
  };
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<frame> frames_;
};

}  // namespace voxgate::net
