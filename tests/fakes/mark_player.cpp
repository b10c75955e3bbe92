#include "tests/fakes/mark_player.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <future>

#include "codecs/base64.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"

namespace voxgate::fakes {

mark_player::mark_player(std::function<void(const std::string&)> echo, std::size_t bytes_per_ms)
    : echo_(std::move(echo)), bytes_per_ms_(bytes_per_ms), thread_([this] { run(); }) {}

mark_player::~mark_player() { stop(); }

void mark_player::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void mark_player::on_media(std::size_t audio_bytes) {
  std::lock_guard lock(mutex_);
  std::chrono::milliseconds ms(audio_bytes / bytes_per_ms_);
  received_ += ms;
  play_end_ = std::max(play_end_, clock::now()) + ms;
}

void mark_player::on_mark(std::string name) {
  {
    std::lock_guard lock(mutex_);
    pending_.emplace_back(std::max(play_end_, clock::now()), std::move(name));
  }
  wake_.notify_all();
}

void mark_player::on_clear() {
  std::deque<std::pair<clock::time_point, std::string>> flushed;
  {
    std::lock_guard lock(mutex_);
    flushed.swap(pending_);
    auto now = clock::now();
    if (play_end_ > now) cleared_ += std::chrono::duration_cast<std::chrono::milliseconds>(play_end_ - now);
    play_end_ = now;
  }
  for (auto& [when, name] : flushed) echo_(name);
}

std::chrono::milliseconds mark_player::queued() const {
  std::lock_guard lock(mutex_);
  auto left = play_end_ - clock::now();
  return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(left));
}

std::chrono::milliseconds mark_player::played() const {
  auto left = queued();
  std::lock_guard lock(mutex_);
  return received_ - cleared_ - left;
}

void mark_player::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (pending_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto [when, name] = pending_.front();
    if (clock::now() < when) {
      wake_.wait_until(lock, when);
      continue;
    }
    pending_.pop_front();
    lock.unlock();
    echo_(name);
    lock.lock();
  }
}

std::shared_ptr<net::ws_sink> provider_sink(std::shared_ptr<frame_queue> received,
                                            std::shared_ptr<mark_player> player) {
  return std::make_shared<queue_sink>(std::move(received), [player](const std::string& frame) {
    rapidjson::Document d;
    d.Parse(frame.c_str());
    if (d.HasParseError() || !d.HasMember("event")) return;
    std::string event = d["event"].GetString();
    if (event == "media")
      player->on_media(codecs::base64::decode(d["media"]["payload"].GetString()).value_or("").size());
    if (event == "mark") player->on_mark(d["mark"]["name"].GetString());
    if (event == "clear") player->on_clear();
  });
}

std::string open_provider_socket(net::io_runtime& io, const std::string& gateway, const std::string& stream_url,
                                 net::header_list headers, std::shared_ptr<frame_queue> received,
                                 std::shared_ptr<mark_player> player, std::shared_ptr<net::ws_channel_ptr> channel) {
  auto u = net::parse_url(stream_url);
  if (!u) return "bad stream url";
  net::ws_connect_options o;
  o.url = "ws://" + gateway.substr(gateway.find("://") + 3) + std::string(u->path());
  o.headers = std::move(headers);
  auto promise = std::make_shared<std::promise<std::string>>();
  auto future = promise->get_future();
  net::ws_connect(io, std::move(o), provider_sink(std::move(received), std::move(player)),
                  [channel, promise](net::ws_channel_ptr ch, std::string error) {
                    *channel = std::move(ch);
                    promise->set_value(std::move(error));
                  });
  return future.get();
}

}  // namespace voxgate::fakes
