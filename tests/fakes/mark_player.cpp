#include "tests/fakes/mark_player.hpp"

#include <rapidjson/document.h>

#include <future>

#include "codecs/base64.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"

namespace voxgate::fakes {

mark_player::mark_player(std::function<void(const std::string&)> echo, std::size_t bytes_per_ms)
    : echo_(std::move(echo)), playback_(bytes_per_ms), thread_([this] { run(); }) {}

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
  playback_.on_media(audio_bytes, clock::now());
}

void mark_player::on_mark(std::string name) {
  {
    std::lock_guard lock(mutex_);
    playback_.on_mark(std::move(name), clock::now());
  }
  wake_.notify_all();
}

void mark_player::on_clear() {
  std::vector<std::string> flushed;
  {
    std::lock_guard lock(mutex_);
    flushed = playback_.on_clear(clock::now());
  }
  for (const auto& name : flushed) echo_(name);
}

std::chrono::milliseconds mark_player::queued() const {
  std::lock_guard lock(mutex_);
  return playback_.queued(clock::now());
}

std::chrono::milliseconds mark_player::played() const {
  std::lock_guard lock(mutex_);
  return playback_.played(clock::now());
}

void mark_player::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    auto when = playback_.next_due();
    if (!when) {
      wake_.wait(lock);
      continue;
    }
    if (clock::now() < *when) {
      wake_.wait_until(lock, *when);
      continue;
    }
    auto names = playback_.due(clock::now());
    lock.unlock();
    for (const auto& name : names) echo_(name);
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

provider_media::provider_media(std::function<std::string(const std::string&)> mark_echo) {
  player_ =
      std::make_shared<mark_player>([channel = channel_, mark_echo = std::move(mark_echo)](const std::string& name) {
        if (*channel) (*channel)->send_text(mark_echo(name));
      });
  io_.start();
}

provider_media::~provider_media() {
  // Hang up with a close frame and let the handshake finish before the loop stops: stopping at once
  // left the gateway's side of the socket open, waiting out its close timeout.
  if (*channel_) {
    (*channel_)->close("test over");
    received_->wait_closed(std::chrono::seconds(1));
  }
  player_->stop();  // no mark echoed into a loop that has stopped
  io_.stop();
  // The socket's sink holds the player, whose echo holds the channel: break the cycle.
  channel_->reset();
}

std::string provider_media::open(const std::string& gateway, const std::string& stream_url, net::header_list headers) {
  return open_provider_socket(io_, gateway, stream_url, std::move(headers), received_, player_, channel_);
}

void provider_media::send(std::string frame) {
  if (*channel_) (*channel_)->send_text(std::move(frame));
}

void provider_media::hang_up(std::string reason) {
  if (*channel_) (*channel_)->close(std::move(reason));
}

}  // namespace voxgate::fakes
