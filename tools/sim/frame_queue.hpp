// A thread-safe record of the frames a fake peer received, with waits that end on a condition
// (never a sleep): tests wait for "the frame that says X", with a generous deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "net/ws_channel.hpp"

namespace voxgate::sim {

class frame_queue {
 public:
  void push(std::string frame);
  void close(std::string reason);

  // The first frame at index >= from that satisfies pred; its index goes to *at.
  std::optional<std::string> wait_for(const std::function<bool(const std::string&)>& pred,
                                      std::chrono::milliseconds timeout, std::size_t from = 0,
                                      std::size_t* at = nullptr);
  // Frames whose JSON field `key` equals `value` (a cheap textual match on "key":"value").
  std::optional<std::string> wait_for_field(const std::string& key, const std::string& value,
                                            std::chrono::milliseconds timeout, std::size_t from = 0,
                                            std::size_t* at = nullptr);
  bool wait_closed(std::chrono::milliseconds timeout);
  std::size_t count_field(const std::string& key, const std::string& value) const;
  std::vector<std::string> snapshot() const;
  bool closed() const;
  std::string close_reason() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> frames_;
  bool closed_ = false;
  std::string close_reason_;
};

// A sink that records into a queue and calls `on_frame` (on the I/O thread) for each frame.
class queue_sink final : public net::ws_sink {
 public:
  explicit queue_sink(std::shared_ptr<frame_queue> q, std::function<void(const std::string&)> on_frame = {})
      : queue_(std::move(q)), on_frame_(std::move(on_frame)) {}
  void on_text(std::string&& frame) override {
    if (on_frame_) on_frame_(frame);
    queue_->push(std::move(frame));
  }
  void on_closed(std::string reason) override { queue_->close(std::move(reason)); }

 private:
  std::shared_ptr<frame_queue> queue_;
  std::function<void(const std::string&)> on_frame_;
};

}  // namespace voxgate::sim
