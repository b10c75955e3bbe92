#include "tests/fakes/fake_openai.hpp"

#include <thread>

#include <rapidjson/document.h>

#include "net/headers.hpp"
#include "net/json.hpp"
#include "tools/sim/realtime_echo.hpp"

namespace voxgate::fakes {

fake_openai::fake_openai(std::string api_key, bool echo)
    : api_key_(std::move(api_key)), echo_(echo), server_(io_, net::http_server_options{"127.0.0.1", 0}) {
  server_.route_ws("/v1/realtime", [this](const net::http_request& req) {
    if (int ms = upgrade_delay_ms_.load(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    if (net::header_or(req.headers, "authorization") != "Bearer " + api_key_) {
      ++refused_;
      return net::upgrade_decision::refuse(401, "bad_key", "invalid api key");
    }
    auto queue = std::make_shared<frame_queue>();
    auto holder = std::make_shared<std::weak_ptr<net::ws_channel>>();
    auto sink = std::make_shared<queue_sink>(queue, [this, holder](const std::string& text) {
      auto ch = holder->lock();
      if (!ch) return;
      rapidjson::Document d;
      d.Parse(text.c_str());
      if (d.HasParseError() || !d.HasMember("type")) return;
      std::string type = d["type"].GetString();
      if (type == "session.update") {
        if (defer_) {
          std::lock_guard lock(mutex_);
          update_pending_ = true;
          return;
        }
        ch->send_text(std::string(sim::realtime_echo::session_updated));
      } else if (std::string delta; echo_ && sim::realtime_echo::append_echo(text, delta)) {
        ch->send_text(std::move(delta));
      }
    });
    net::upgrade_decision decision;
    decision.accept = true;
    decision.handshake_mode = false;
    decision.sink = sink;
    decision.on_open = [this, holder, queue](net::ws_channel_ptr ch) {
      *holder = ch;
      {
        std::lock_guard lock(mutex_);
        channel_ = ch;
        events_ = queue;
        ++sessions_;
      }
      opened_.notify_all();
      if (silent_) return;
      ch->send_text(std::string(sim::realtime_echo::session_created));
    };
    return decision;
  });
}

fake_openai::~fake_openai() {
  server_.stop();
  io_.stop();
}

std::string fake_openai::start() {
  auto err = server_.start();
  if (err.empty()) io_.start();
  return err;
}

std::string fake_openai::url() const {
  return "ws://127.0.0.1:" + std::to_string(server_.port()) + "/v1/realtime?model=gpt-realtime";
}

std::shared_ptr<frame_queue> fake_openai::events() const {
  std::unique_lock lock(mutex_);
  opened_.wait_for(lock, std::chrono::seconds(5), [&] { return sessions_.load() > 0; });
  return events_;
}

void fake_openai::send(std::string server_event) {
  std::lock_guard lock(mutex_);
  if (channel_) channel_->send_text(std::move(server_event));
}

void fake_openai::release_session_updated() {
  std::lock_guard lock(mutex_);
  defer_ = false;
  if (channel_ && update_pending_)
    channel_->send_text(R"({"type":"session.updated","event_id":"evt_2","session":{"type":"realtime"}})");
  update_pending_ = false;
}

void fake_openai::drop() {
  std::lock_guard lock(mutex_);
  if (channel_) channel_->close("server closed the session");
}

}  // namespace voxgate::fakes
