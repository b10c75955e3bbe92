#include "tools/sim/frame_queue.hpp"

namespace voxgate::sim {

namespace {
bool has_field(const std::string& frame, const std::string& key, const std::string& value) {
  return frame.find("\"" + key + "\":\"" + value + "\"") != std::string::npos;
}
}  // namespace

void frame_queue::push(std::string frame) {
  {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  changed_.notify_all();
}

void frame_queue::close(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_reason_ = std::move(reason);
  }
  changed_.notify_all();
}

std::optional<std::string> frame_queue::wait_for(const std::function<bool(const std::string&)>& pred,
                                                 std::chrono::milliseconds timeout, std::size_t from, std::size_t* at) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (std::size_t i = from; i < frames_.size(); ++i) {
      if (pred(frames_[i])) {
        found = frames_[i];
        if (at) *at = i;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::optional<std::string> frame_queue::wait_for_field(const std::string& key, const std::string& value,
                                                       std::chrono::milliseconds timeout, std::size_t from,
                                                       std::size_t* at) {
  return wait_for([&](const std::string& f) { return has_field(f, key, value); }, timeout, from, at);
}

bool frame_queue::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return closed_; });
}

std::size_t frame_queue::count_field(const std::string& key, const std::string& value) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& f : frames_) n += has_field(f, key, value);
  return n;
}

std::vector<std::string> frame_queue::snapshot() const {
  std::lock_guard lock(mutex_);
  return frames_;
}

bool frame_queue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::string frame_queue::close_reason() const {
  std::lock_guard lock(mutex_);
  return close_reason_;
}

}  // namespace voxgate::sim
