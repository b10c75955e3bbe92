// The simulated Vonage's socket side, shared by tools/sim/vonage.cpp's call, its socket's sink, its REST
// handlers and its timer thread: what Vonage does with the gateway's frames (exact-size audio played in
// real time, notify, clear) and the events it posts when the socket ends. Private to the sim.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "net/json.hpp"
#include "tools/sim/playback.hpp"
#include "tools/sim/vonage.hpp"

namespace voxgate::sim {

namespace vonage_detail {
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
inline constexpr milliseconds frame_ms{20};
}  // namespace vonage_detail

// Shared by the call, its socket's sink, its REST handlers and the timer thread.
struct vonage_call::state {
  using clock = vonage_detail::clock;
  using milliseconds = vonage_detail::milliseconds;
  static constexpr auto frame_ms = vonage_detail::frame_ms;

  mutable std::mutex mutex;
  std::condition_variable wake;
  net::ws_channel_ptr channel;
  std::string uuid, ws_uuid;
  std::size_t frame_bytes = 640;
  std::string ncco_error, endpoint_json, uri, headers_json = "{}", event_url, content_type = "audio/l16;rate=16000";
  bool call_live = false, caller_hung_up = false, rest_hung_up = false, closed = false, stopping = false;
  std::deque<std::pair<clock::time_point, std::string>> outgoing;  // caller frames, when due
  clock::time_point next_frame = clock::now();
  // The caller's ear (tools/sim/playback): frames play in order at real time, a notify's payload is
  // answered once the audio before it has played.
  playback player{640 / 20};
  std::string audio;
  std::size_t frames = 0, clears = 0, answered = 0, max_queued = 3072;
  bool echo_on_clear = false;
  // How long Vonage takes from a websocket leg's end to the call's when no NCCO action follows.
  static constexpr milliseconds ncco_runs_out{250};
  std::optional<clock::time_point> complete_at;
  std::vector<std::string> errors;
  std::vector<rest_call> rest;
  std::vector<std::pair<std::string, unsigned>> posted;
  std::function<void(std::string)> post;  // an event to the eventUrl, signed, answered later
  std::shared_ptr<frame_queue> in = std::make_shared<frame_queue>();
  std::shared_ptr<frame_queue> out = std::make_shared<frame_queue>();

  void send_text_locked(std::string frame) {
    if (!channel || closed) return;
    out->push(frame);
    channel->send_text(std::move(frame));
  }
  void error_locked(std::string what) { errors.push_back(std::move(what)); }
  void answer_notify_locked(const std::string& payload) {
    ++answered;
    send_text_locked(vonage::notify_message(payload));
  }
  std::string leg_event(bool ws_leg, const std::string& status) const {
    return ws_leg ? vonage::event_json(ws_uuid, uuid, status, uri, headers_json)
                  : vonage::event_json(uuid, uuid, status);
  }

  void on_binary(std::string&& bytes) {
    std::unique_lock lock(mutex);
    if (bytes.size() != frame_bytes) {
      // What Vonage logs before it stops listening: the stream ends.
      error_locked("unexpected frame size " + std::to_string(bytes.size()) + ", when required " +
                   std::to_string(frame_bytes));
      auto ch = channel;
      lock.unlock();
      if (ch) ch->close("unexpected frame size");
      return;
    }
    auto now = clock::now();
    if (player.queued(now) / frame_ms >= static_cast<long>(max_queued)) {
      error_locked("outbound buffer full: frame dropped");
      return;
    }
    player.on_media(bytes.size(), now);
    ++frames;
    if (audio.size() < 10 * 50 * frame_bytes) audio += bytes;
  }

  void on_text(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    std::lock_guard lock(mutex);
    auto action = d.IsObject() ? net::json::string_or(d, "action") : std::string_view{};
    auto now = clock::now();
    if (action == "notify") {
      const auto* payload = net::json::member(d, "payload");
      if (!payload || !payload->IsObject()) return error_locked("notify without a payload object");
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      payload->Accept(writer);
      player.on_mark(std::string(buffer.GetString(), buffer.GetSize()), now);
      wake.notify_all();
    } else if (action == "clear") {
      ++clears;
      // Whether Vonage answers the notifies a clear dropped is undocumented: dropped unless configured.
      for (auto& payload : player.on_clear(now))
        if (echo_on_clear) answer_notify_locked(payload);
      send_text_locked(vonage::cleared_message());
      wake.notify_all();
    } else {
      error_locked("unknown message: " + text.substr(0, 80));
    }
  }

  void on_closed() {
    std::string disconnected;
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      closed = true;
      outgoing.clear();
      // The app closed the socket: the websocket leg is disconnected; nothing follows in the NCCO, so the
      // call completes a moment later (the timer thread), unless a REST hang-up ends it first.
      if (!caller_hung_up && !rest_hung_up) {
        disconnected = leg_event(true, "disconnected");
        complete_at = clock::now() + ncco_runs_out;
        wake.notify_all();
      }
    }
    if (post && !disconnected.empty()) post(disconnected);
  }
};

class vonage_sink final : public net::ws_sink {
 public:
  explicit vonage_sink(std::shared_ptr<vonage_call::state> s) : state_(std::move(s)) {}
  void on_text(std::string&& frame) override {
    state_->on_text(frame);
    state_->in->push(std::move(frame));
  }
  bool takes_binary() const override { return true; }
  void on_binary(std::string&& frame) override { state_->on_binary(std::move(frame)); }
  void on_closed(std::string reason) override {
    state_->on_closed();
    state_->in->close(std::move(reason));
  }

 private:
  std::shared_ptr<vonage_call::state> state_;
};

}  // namespace voxgate::sim
