#include "tools/sim/playback.hpp"

#include <algorithm>

namespace voxgate::sim {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

playback::time_point playback::on_media(std::size_t bytes, time_point now) {
  auto starts = std::max(play_end_, now);
  auto length = length_of(bytes);
  play_end_ = starts + length;
  received_ += length;
  return starts;
}

void playback::on_mark(std::string name, time_point now) {
  marks_.emplace_back(std::max(play_end_, now), std::move(name));
}

std::vector<std::string> playback::on_clear(time_point now) {
  if (play_end_ > now) {
    cleared_ += duration_cast<microseconds>(play_end_ - now);
    play_end_ = now;
  }
  std::vector<std::string> names;
  names.reserve(marks_.size());
  for (auto& m : marks_) names.push_back(std::move(m.second));
  marks_.clear();
  return names;
}

std::vector<std::string> playback::due(time_point now) {
  std::vector<std::string> names;
  answer_due(now, [&](std::string& name) { names.push_back(std::move(name)); });
  return names;
}

std::optional<playback::time_point> playback::next_due() const {
  if (marks_.empty()) return std::nullopt;
  return marks_.front().first;
}

milliseconds playback::queued(time_point now) const {
  return play_end_ > now ? duration_cast<milliseconds>(play_end_ - now) : milliseconds(0);
}

milliseconds playback::played(time_point now) const {
  auto left = play_end_ > now ? duration_cast<microseconds>(play_end_ - now) : microseconds(0);
  return duration_cast<milliseconds>(received_ - cleared_ - left);
}

}  // namespace voxgate::sim
