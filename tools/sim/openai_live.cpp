#include "tools/sim/openai_live.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <initializer_list>

#include "codecs/base64.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"

namespace voxgate::sim {
namespace {

using namespace std::chrono_literals;

bool only_keys(const rapidjson::Value& object, std::initializer_list<std::string_view> allowed, std::string* bad) {
  for (const auto& m : object.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      *bad = std::string(key);
      return false;
    }
  }
  return true;
}

std::string error_event(std::string_view code, std::string_view param, std::string_view message,
                        std::string_view client_event_id) {
  std::string out = R"({"type":"error","event_id":"evt_err","error":{"type":"invalid_request_error","code":)";
  net::json::append_string(out, code);
  out += R"(,"param":)";
  net::json::append_string(out, param);
  out += R"(,"message":)";
  net::json::append_string(out, message);
  out += R"(,"client_event_id":)";
  net::json::append_string(out, client_event_id);
  out += "}}";
  return out;
}

// session.start as the strict schema reads it: the error's param, or empty when valid. Fills the
// session's audio format (bytes per 100 ms) and delegation type.
std::string check_start(const rapidjson::Value& root, std::size_t* bytes_per_100ms, std::string* delegation) {
  std::string bad;
  if (!only_keys(root, {"type", "event_id", "session"}, &bad)) return bad;
  const auto* s = net::json::member(root, "session");
  if (!s || !s->IsObject()) return "session";
  if (!only_keys(*s, {"model", "instructions", "audio", "delegation", "input", "store", "client"}, &bad))
    return "session." + bad;
  if (!net::json::string_of(*s, "model")) return "session.model";
  if (const auto* i = net::json::member(*s, "instructions"); i && !i->IsString() && !i->IsNull())
    return "session.instructions";
  *bytes_per_100ms = 4800;  // the default format: PCM16 at 24 kHz
  if (const auto* audio = net::json::member(*s, "audio")) {
    if (!audio->IsObject() || !only_keys(*audio, {"format", "output"}, &bad)) return "session.audio." + bad;
    if (const auto* f = net::json::member(*audio, "format")) {
      if (!f->IsObject() || !only_keys(*f, {"type", "rate"}, &bad)) return "session.audio.format." + bad;
      auto type = net::json::string_or(*f, "type");
      const auto* rate = net::json::member(*f, "rate");
      if (!rate || !rate->IsUint()) return "session.audio.format.rate";  // required for every format
      auto hz = rate->GetUint();
      if ((type == "audio/pcmu" || type == "audio/pcma") && hz == 8000)
        *bytes_per_100ms = 800;
      else if (type == "audio/pcm" && (hz == 16000 || hz == 24000))
        *bytes_per_100ms = hz / 10 * 2;
      else
        return "session.audio.format";
    }
    if (const auto* o = net::json::member(*audio, "output"))
      if (!o->IsObject() || !only_keys(*o, {"voice"}, &bad)) return "session.audio.output." + bad;
  }
  *delegation = "client";
  if (const auto* d = net::json::member(*s, "delegation"); d && !d->IsNull()) {
    if (!d->IsObject() || !only_keys(*d, {"type", "responses"}, &bad)) return "session.delegation." + bad;
    *delegation = std::string(net::json::string_or(*d, "type"));
    if (*delegation == "responses") {
      const auto* r = net::json::member(*d, "responses");
      if (!r || !r->IsObject() || !net::json::string_of(*r, "model")) return "session.delegation.responses.model";
      if (!only_keys(*r, {"model", "instructions", "max_output_tokens", "parallel_tool_calls", "reasoning",
                          "service_tier", "text", "tool_choice", "tools"},
                     &bad))
        return "session.delegation.responses." + bad;
    } else if (*delegation != "client") {
      return "session.delegation.type";
    }
  }
  return {};
}

}  // namespace

struct openai_live_server::session {
  std::weak_ptr<net::ws_channel> channel;
  std::shared_ptr<frame_queue> events = std::make_shared<frame_queue>();
  std::mutex m;
  bool started = false;
  std::string delegation = "client";
  std::size_t bytes_per_100ms = 800;
  std::uint64_t speech = 0;  // the current speak()'s number; interrupt() moves it on
  std::chrono::steady_clock::time_point spoke_until{};
  double usage_seconds = 0;

  void send(std::string text) {
    if (auto ch = channel.lock()) ch->send_text(std::move(text));
  }
  void close_with(std::string closed_event) {
    if (auto ch = channel.lock()) {
      ch->send_text(std::move(closed_event));
      ch->close("session closed");
    }
  }
};

openai_live_server::openai_live_server(std::string api_key, bool echo)
    : api_key_(std::move(api_key)), echo_(echo), server_(io_, net::http_server_options{"127.0.0.1", 0}) {
  server_.route_ws("/v1/live/sessions", [this](const net::http_request& req) {
    if (net::header_or(req.headers, "authorization") != "Bearer " + api_key_) {
      ++refused_;
      return net::upgrade_decision::refuse(401, "bad_key", "invalid api key");
    }
    if (req.target.find('?') != std::string::npos) {  // the model goes in session.start, never the URL
      ++refused_;
      return net::upgrade_decision::refuse(400, "query", "no query parameters on /v1/live/sessions");
    }
    auto s = std::make_shared<session>();
    auto sink = std::make_shared<queue_sink>(s->events, [this, s](const std::string& text) { on_client_event(s, text); });
    net::upgrade_decision decision;
    decision.accept = true;
    decision.handshake_mode = false;
    decision.sink = sink;
    decision.on_open = [this, s](net::ws_channel_ptr ch) {
      s->channel = ch;  // and nothing is sent until session.start: a passive socket receives nothing
      {
        std::lock_guard lock(mutex_);
        latest_ = s;
        events_ = s->events;
        ++sessions_;
      }
      opened_.notify_all();
    };
    return decision;
  });
}

openai_live_server::~openai_live_server() {
  {
    std::lock_guard lock(mutex_);
    if (latest_) {
      std::lock_guard l(latest_->m);
      ++latest_->speech;  // a speaker still running stops
    }
  }
  server_.stop();
  io_.stop();
}

std::string openai_live_server::start() {
  auto err = server_.start();
  if (err.empty()) io_.start();
  return err;
}

std::string openai_live_server::url() const {
  return "ws://127.0.0.1:" + std::to_string(server_.port()) + "/v1/live/sessions";
}

std::shared_ptr<frame_queue> openai_live_server::events() const {
  std::unique_lock lock(mutex_);
  opened_.wait_for(lock, 5s, [this] { return latest_ != nullptr; });
  return events_;
}

void openai_live_server::on_client_event(const std::shared_ptr<session>& s, const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString()) {
    s->send(error_event("invalid_json", "", "expected one JSON object with a type", ""));
    return;
  }
  std::string type = d["type"].GetString();
  std::string event_id(net::json::string_or(d, "event_id"));
  std::lock_guard lock(s->m);
  if (type == "session.start") {
    std::string bad = s->started ? "type" : check_start(d, &s->bytes_per_100ms, &s->delegation);
    if (!bad.empty()) {
      ++invalid_starts_;
      s->send(error_event("unknown_parameter", bad, "session.start refused: " + bad, event_id));
      if (auto ch = s->channel.lock()) ch->close("invalid session.start");
      return;
    }
    if (!answer_start_) return;  // a hung server: the client's set-up deadline must end it
    s->started = true;
    std::string started = R"({"type":"session.started","event_id":"evt_started","client_event_id":)";
    net::json::append_string(started, event_id);
    started += R"(,"session":{"id":"live_fake_)" + std::to_string(sessions_.load()) +
               R"(","model":"gpt-live-1","status":"active","expires_at":1767225600,"delegation":{"type":)";
    net::json::append_string(started, s->delegation);
    started += "}}}";
    s->send(std::move(started));
    return;
  }
  if (!s->started) {
    s->send(error_event("session_not_started", "type", "send session.start first, and wait for session.started",
                        event_id));
    return;
  }
  if (type == "session.input_audio.append") {
    if (!d.HasMember("audio") || !d["audio"].IsString()) {
      s->send(error_event("missing_required_parameter", "audio", "audio is required", event_id));
      return;
    }
    if (echo_) {
      std::string delta = R"({"type":"session.output_audio.delta","delta":)";
      net::json::append_string(delta, d["audio"].GetString());
      s->send(delta + "}");
    }
    return;  // appends have no acknowledgment
  }
  if (type == "session.instructions.append" || type == "session.thinking.append" ||
      type == "session.commentary.append") {
    const auto* delegation_id = net::json::member(d, "delegation_id");
    if (!net::json::string_of(d, "content") || !delegation_id || !(delegation_id->IsNull() || delegation_id->IsString())) {
      s->send(error_event("missing_required_parameter", "content", "content and delegation_id are required", event_id));
      return;
    }
    if (delegation_id->IsString() && s->delegation == "responses") {
      s->send(error_event("invalid_value", "delegation_id",
                          "delegation ids are not accepted with Responses delegation", event_id));
      return;
    }
    auto ack = type.substr(0, type.size() - std::string_view("append").size()) + "appended";
    s->send(R"({"type":")" + ack + R"(","event_id":"evt_ack","start_ms":0,"end_ms":0})");
    return;
  }
  if (type == "response.item.create" || type == "response.create") {
    if (s->delegation != "responses")
      s->send(error_event("invalid_request_error", "type", type + " requires Responses delegation.", event_id));
    return;
  }
  if (type == "session.close") {
    if (!answer_close_) return;
    std::string closed = R"({"type":"session.closed","event_id":"evt_closed","reason":"close_requested","usage":{"seconds":)";
    closed += std::to_string(s->usage_seconds) + "}}";
    s->close_with(std::move(closed));
    return;
  }
  if (type == "session.input_audio.mute" || type == "session.input_audio.unmute" || type == "session.update") return;
  s->send(error_event("unknown_event", "type",
                      "supported client events: session.start, session.input_audio.append, session.input_audio.mute, "
                      "session.input_audio.unmute, session.instructions.append, session.thinking.append, "
                      "session.commentary.append, session.update, response.item.create, response.create, "
                      "session.close",
                      event_id));
}

void openai_live_server::send(std::string server_event) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (s) s->send(std::move(server_event));
}

void openai_live_server::speak(std::chrono::milliseconds ms, double pace, unsigned char fill) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (!s) return;
  std::uint64_t number;
  std::size_t chunk;
  {
    std::lock_guard lock(s->m);
    number = ++s->speech;
    chunk = s->bytes_per_100ms;
  }
  std::string delta = R"({"type":"session.output_audio.delta","delta":)";
  net::json::append_string(delta, codecs::base64::encode(std::string(chunk, static_cast<char>(fill))));
  delta += "}";
  // The speaker runs on its own thread, detached; it holds the session, not this server.
  std::thread([s, number, delta, chunks = ms.count() / 100, pace] {
    auto next = std::chrono::steady_clock::now();
    for (long i = 0; i < chunks; ++i) {
      {
        std::lock_guard lock(s->m);
        if (s->speech != number) return;  // interrupted
        s->send(delta);
        s->spoke_until = std::chrono::steady_clock::now();
      }
      if (pace > 0) {
        next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::milliseconds(100) / pace);
        std::this_thread::sleep_until(next);
      }
    }
  }).detach();
}

void openai_live_server::interrupt(std::string words, std::chrono::milliseconds transcript_delay) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (!s) return;
  {
    std::lock_guard lock(s->m);
    ++s->speech;  // the model stops speaking now
    s->spoke_until = std::chrono::steady_clock::now();
  }
  std::string delta = R"({"type":"session.input_transcript.delta","event_id":"evt_in","delta":)";
  net::json::append_string(delta, words);
  delta += R"(,"start_ms":0,"end_ms":0})";
  std::thread([s, delta, transcript_delay] {
    std::this_thread::sleep_for(transcript_delay);
    s->send(delta);
  }).detach();
}

void openai_live_server::delegate(std::string delegation_id) {
  std::string ev = R"({"type":"session.delegation.created","event_id":"evt_del","offset_ms":4600,"delegation":{"id":)";
  net::json::append_string(ev, delegation_id);
  ev += R"(,"type":"delegation","target":"client"}})";
  send(std::move(ev));
}

void openai_live_server::call_function(std::string call_id, std::string name, std::string arguments) {
  std::string ev = R"({"type":"response.event","event_id":"evt_resp","delegation_id":"del_resp","event":{"type":"response.output_item.done","item":{"type":"function_call","status":"completed","call_id":)";
  net::json::append_string(ev, call_id);
  ev += R"(,"name":)";
  net::json::append_string(ev, name);
  ev += R"(,"arguments":)";
  net::json::append_string(ev, arguments);
  ev += "}}}";
  send(std::move(ev));
}

void openai_live_server::usage(double seconds) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (!s) return;
  std::lock_guard lock(s->m);
  s->usage_seconds = seconds;
  s->send(R"({"type":"session.usage.updated","event_id":"evt_usage","usage":{"seconds":)" + std::to_string(seconds) +
          R"(},"context_window":{"usage_ratio":0.1}})");
}

void openai_live_server::close_session(std::string reason) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (!s) return;
  std::lock_guard lock(s->m);
  std::string closed = R"({"type":"session.closed","event_id":"evt_closed","reason":)";
  net::json::append_string(closed, reason);
  closed += R"(,"usage":{"seconds":)" + std::to_string(s->usage_seconds) + "}}";
  s->close_with(std::move(closed));
}

std::chrono::steady_clock::time_point openai_live_server::spoke_until() const {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mutex_);
    s = latest_;
  }
  if (!s) return {};
  std::lock_guard lock(s->m);
  return s->spoke_until;
}

}  // namespace voxgate::sim
