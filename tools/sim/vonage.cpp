#include "tools/sim/vonage.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>

#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "tools/sim/ids.hpp"
#include "tools/sim/vonage_state.hpp"

namespace voxgate::sim {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr milliseconds frame_ms{20};

namespace {

// The gateway's real address for a URL the NCCO names under its public base.
std::string at_gateway(const std::string& gateway, const std::string& url) {
  if (url.rfind('/', 0) == 0) return gateway + url;
  auto u = net::parse_url(url);
  return gateway + (u ? u->target : std::string("/"));
}

}  // namespace

namespace {

net::http_client_response fetch_sync(net::io_runtime& io, net::http_client_request req) {
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto future = promise->get_future();
  net::http_fetch(io, std::move(req), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace

vonage_call::vonage_call(options o) : options_(std::move(o)), state_(std::make_shared<state>()) {
  state_->max_queued = options_.max_queued_frames;
  state_->echo_on_clear = options_.echo_notifies_on_clear;
  std::weak_ptr<state> weak = state_;
  state_->post = [this, weak](std::string json) {
    auto s = weak.lock();
    if (!s) return;
    std::string url;
    {
      std::lock_guard lock(s->mutex);
      url = at_gateway(options_.gateway, s->event_url.empty() ? "/vonage/events" : s->event_url);
    }
    net::http_client_request req;
    req.method = "POST";
    req.url = url;
    req.headers = signed_headers(json, signing::valid);
    req.headers.emplace_back("content-type", "application/json");
    rapidjson::Document d;
    d.Parse(json.c_str());
    std::string status(net::json::string_or(d, "status"));
    req.body = std::move(json);
    net::http_fetch(io_, std::move(req), [weak, status](net::http_client_response r) {
      if (auto s = weak.lock()) {
        std::lock_guard lock(s->mutex);
        s->posted.emplace_back(status, r.status);
        s->wake.notify_all();
      }
    });
  };
  io_.start();
  timer_ = std::thread([this] { run(); });
}

vonage_call::~vonage_call() {
  net::ws_channel_ptr ch;
  {
    std::lock_guard lock(state_->mutex);
    ch = state_->closed ? nullptr : state_->channel;
    state_->caller_hung_up = true;  // no events posted into a test that is over
  }
  if (ch) {
    ch->close("test over");
    state_->in->wait_closed(std::chrono::seconds(1));
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  timer_.join();
  if (rest_) rest_->stop();
  io_.stop();
  std::lock_guard lock(state_->mutex);
  state_->channel.reset();  // the channel's sink holds the state: break the cycle
  state_->post = nullptr;
}

net::header_list vonage_call::signed_headers(const std::string& payload, signing how) const {
  auto authorization =
      vonage::webhook_authorization(options_.signature_secret, options_.api_key, options_.application_id, payload, how);
  if (authorization.empty()) return {};
  return {{"Authorization", std::move(authorization)}};
}

net::http_client_response vonage_call::answer(const std::string& uuid, const std::string& query, signing how) {
  net::param_list params = net::parse_form(query).value_or(net::param_list{});
  net::param_list fields{
      {"to", options_.to}, {"from", options_.from}, {"uuid", uuid}, {"conversation_uuid", "CON-" + uuid}};
  net::http_client_request req;
  if (options_.answer_by_post) {
    // POST: the application's own query stays on the URL, Vonage's fields are the JSON body, signed.
    req.method = "POST";
    req.headers = signed_headers(vonage::query_payload(fields), how);  // a compact JSON object of the fields
    req.headers.emplace_back("Content-Type", "application/json");
    if (how == signing::tampered) fields[1].second = "447700900999";  // another caller
    req.body = vonage::query_payload(fields);
    req.url = options_.gateway + "/vonage/voice" + (query.empty() ? "" : "?" + query);
  } else {
    for (auto& p : fields) params.push_back(std::move(p));
    req.headers = signed_headers(vonage::query_payload(params), how);                 // GET: the query, as compact JSON
    if (how == signing::tampered) params[params.size() - 3].second = "447700900999";  // another caller
    req.url = options_.gateway + "/vonage/voice?" + net::encode_form(params);
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->uuid = uuid;
    state_->call_live = true;
  }
  auto r = fetch_sync(io_, std::move(req));
  if (r.status != 200) return r;
  auto n = vonage::read_ncco(r);
  std::lock_guard lock(state_->mutex);
  state_->ncco_error = n.error;
  state_->endpoint_json = n.endpoint_json;
  state_->uri = n.uri;
  state_->headers_json = n.headers_json;
  state_->event_url = n.event_url;
  state_->content_type = n.content_type;
  state_->frame_bytes = n.frame_bytes;
  state_->player = playback(n.frame_bytes / 20);
  return r;
}

std::string vonage_call::ncco_error() const {
  std::lock_guard lock(state_->mutex);
  return state_->ncco_error;
}
std::string vonage_call::endpoint_uri() const {
  std::lock_guard lock(state_->mutex);
  return state_->uri;
}
std::string vonage_call::endpoint_json() const {
  std::lock_guard lock(state_->mutex);
  return state_->endpoint_json;
}

net::http_client_response vonage_call::post_event(const std::string& json, signing how) {
  net::http_client_request req;
  req.method = "POST";
  {
    std::lock_guard lock(state_->mutex);
    req.url = at_gateway(options_.gateway, state_->event_url.empty() ? "/vonage/events" : state_->event_url);
  }
  req.headers = signed_headers(json, how);
  req.headers.emplace_back("content-type", "application/json");
  // Tampered: a field added after signing (whitespace alone would pass: the compact form is hashed too).
  req.body = how == signing::tampered ? json.substr(0, json.size() - 1) + R"(,"status":"answered"})" : json;
  return fetch_sync(io_, std::move(req));
}

std::vector<std::pair<std::string, unsigned>> vonage_call::events_posted() const {
  std::lock_guard lock(state_->mutex);
  return state_->posted;
}

std::string vonage_call::connect(std::string uri) {
  std::string headers, type;
  {
    std::lock_guard lock(state_->mutex);
    if (uri.empty()) uri = state_->uri;
    headers = state_->headers_json;
    type = state_->content_type;
    state_->ws_uuid = random_uuid();
  }
  auto u = net::parse_url(uri);
  if (!u || (u->scheme != "wss" && u->scheme != "ws")) return "bad websocket uri: " + uri;
  net::ws_connect_options o;
  o.url = "ws://" + options_.gateway.substr(options_.gateway.find("://") + 3) + u->target;
  auto promise = std::make_shared<std::promise<std::string>>();
  auto future = promise->get_future();
  auto s = state_;
  net::ws_connect(io_, std::move(o), std::make_shared<vonage_sink>(s),
                  [s, promise](net::ws_channel_ptr ch, std::string err) {
                    if (ch) {
                      std::lock_guard lock(s->mutex);
                      s->channel = std::move(ch);
                      s->closed = false;
                    }
                    promise->set_value(std::move(err));
                  });
  auto error = future.get();
  if (!error.empty()) return error;
  // The first frame: the event, the content-type and the NCCO's headers flattened beside them.
  send_text(vonage::connected_message(type, headers));
  return {};
}

void vonage_call::speak(const std::string& pcm) {
  {
    std::lock_guard lock(state_->mutex);
    auto n = state_->frame_bytes;
    state_->next_frame = std::max(state_->next_frame, clock::now());
    for (std::size_t at = 0; at < pcm.size(); at += n, state_->next_frame += frame_ms) {
      auto frame = pcm.substr(at, n);
      frame.resize(n, '\0');  // Vonage's frames are always whole
      state_->outgoing.emplace_back(state_->next_frame, std::move(frame));
    }
  }
  state_->wake.notify_all();
}

void vonage_call::send_dtmf(char digit) { send_text(vonage::dtmf_message(digit)); }

void vonage_call::send_text(std::string frame) {
  std::lock_guard lock(state_->mutex);
  state_->send_text_locked(std::move(frame));
}

void vonage_call::hang_up() {
  net::ws_channel_ptr ch;
  std::string completed, ws_completed;
  {
    std::lock_guard lock(state_->mutex);
    state_->caller_hung_up = true;
    state_->call_live = false;
    ch = state_->closed ? nullptr : state_->channel;
    completed = state_->leg_event(false, "completed");
    ws_completed = state_->leg_event(true, "completed");
  }
  if (ch) ch->close("caller hung up");
  state_->post(ws_completed);
  state_->post(completed);
}

std::shared_ptr<frame_queue> vonage_call::received() const { return state_->in; }
std::shared_ptr<frame_queue> vonage_call::sent() const { return state_->out; }
bool vonage_call::socket_closed() const {
  std::lock_guard lock(state_->mutex);
  return state_->closed;
}

milliseconds vonage_call::queued() const {
  std::lock_guard lock(state_->mutex);
  return state_->player.queued(clock::now());
}

milliseconds vonage_call::played() const {
  std::lock_guard lock(state_->mutex);
  return state_->player.played(clock::now());
}

std::string vonage_call::audio_received() const {
  std::lock_guard lock(state_->mutex);
  return state_->audio;
}
std::size_t vonage_call::frames_received() const {
  std::lock_guard lock(state_->mutex);
  return state_->frames;
}
std::size_t vonage_call::clears() const {
  std::lock_guard lock(state_->mutex);
  return state_->clears;
}
std::size_t vonage_call::notifies_answered() const {
  std::lock_guard lock(state_->mutex);
  return state_->answered;
}
std::vector<std::string> vonage_call::protocol_errors() const {
  std::lock_guard lock(state_->mutex);
  return state_->errors;
}

void vonage_call::run() {
  std::unique_lock lock(state_->mutex);
  auto& s = *state_;
  while (!s.stopping) {
    auto now = clock::now();
    if (!s.outgoing.empty() && s.outgoing.front().first <= now) {
      auto frame = std::move(s.outgoing.front().second);
      s.outgoing.pop_front();
      if (s.channel && !s.closed) s.channel->send_binary(std::move(frame));
      continue;
    }
    if (auto when = s.player.next_due(); when && *when <= now) {
      s.player.answer_due(now, [&](const std::string& payload) { s.answer_notify_locked(payload); });
      continue;
    }
    if (s.complete_at && *s.complete_at <= now) {
      s.complete_at.reset();
      if (!s.call_live || s.rest_hung_up || s.caller_hung_up) continue;
      s.call_live = false;
      auto completed = s.leg_event(false, "completed");
      lock.unlock();  // post reads the state under its lock
      if (s.post) s.post(std::move(completed));
      lock.lock();
      continue;
    }
    auto due = clock::time_point::max();
    if (!s.outgoing.empty()) due = s.outgoing.front().first;
    if (auto when = s.player.next_due()) due = std::min(due, *when);
    if (s.complete_at) due = std::min(due, *s.complete_at);
    if (due == clock::time_point::max())
      s.wake.wait(lock);
    else
      s.wake.wait_until(lock, due);
  }
}

std::string vonage_call::start_rest() {
  net::http_server_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  rest_ = std::make_unique<net::http_server>(io_, o);
  auto s = state_;
  auto public_key = options_.public_key_pem;
  auto app_id = options_.application_id;
  rest_->route_prefix("PUT", "/v1/calls/", [s, public_key, app_id](net::http_request req, net::responder respond) {
    auto answer = [&](unsigned code) {
      {
        std::lock_guard lock(s->mutex);
        s->rest.push_back({req.method, req.target, code});
      }
      s->wake.notify_all();
      auto r = net::http_response::text(code, code == 204 ? "" : R"({"title":"refused"})");
      r.content_type = "application/json";
      respond(std::move(r));
    };
    if (!vonage::application_token_ok(public_key, app_id, net::header_or(req.headers, "authorization"),
                                      net::unix_now()))
      return answer(401);
    rapidjson::Document body;
    body.Parse(req.body.c_str());
    if (!body.IsObject() || net::json::string_or(body, "action") != "hangup") return answer(400);
    auto uuid = std::string(req.path().substr(std::string_view("/v1/calls/").size()));
    net::ws_channel_ptr ch;
    std::string completed;
    {
      std::lock_guard lock(s->mutex);
      if (!s->call_live || uuid != s->uuid) {
        s->rest.push_back({req.method, req.target, 404});
        respond(net::http_response::text(404, R"({"title":"Not Found"})"));
        return;
      }
      s->rest_hung_up = true;
      s->call_live = false;
      ch = s->closed ? nullptr : s->channel;
      completed = s->leg_event(false, "completed");
    }
    answer(204);
    if (ch) ch->close("call hung up");  // 1000; no disconnected event for a REST hang-up
    if (s->post) s->post(completed);
  });
  return rest_->start();
}

std::string vonage_call::rest_base() const { return "http://127.0.0.1:" + std::to_string(rest_->port()); }

std::vector<vonage_call::rest_call> vonage_call::rest_calls() const {
  std::lock_guard lock(state_->mutex);
  return state_->rest;
}

bool vonage_call::wait_rest_calls(std::size_t n, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->wake.wait_for(lock, timeout, [&] { return state_->rest.size() >= n; });
}

}  // namespace voxgate::sim
