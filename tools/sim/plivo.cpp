#include "tools/sim/plivo.hpp"

#include <rapidjson/document.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <utility>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/json.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "tools/sim/playback.hpp"
#include "tools/sim/plivo_caller.hpp"

namespace voxgate::sim {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Shared by the call, its socket's sink, its REST handlers and the handset's thread.
struct plivo_call::state {
  mutable std::mutex mutex;
  std::condition_variable wake;
  net::ws_channel_ptr channel;
  std::string call_uuid;
  std::string stream_id = sim::plivo::random_uuid();
  std::atomic<std::uint64_t> sequence{0};
  std::uint64_t chunk = 0;
  bool call_live = false;
  bool stopping = false;
  // The handset (tools/sim/playback.hpp): each checkpoint is answered when its audio has played.
  sim::playback handset;
  std::vector<std::string> errors;
  std::vector<rest_call> rest;
  int account_wide = 0;
  std::shared_ptr<frame_queue> in = std::make_shared<frame_queue>();
  std::shared_ptr<frame_queue> out = std::make_shared<frame_queue>();

  void send(std::string frame) {
    std::lock_guard lock(mutex);
    send_locked(std::move(frame));
  }
  // With `mutex` held: a checkpoint whose audio played just as a clear came is answered before the
  // clearedAudio, never after it. send_text never blocks.
  void send_locked(std::string frame) {
    if (!channel) return;
    out->push(frame);
    channel->send_text(std::move(frame));
  }
  std::uint64_t next_sequence() { return ++sequence; }
  void error(std::string what) {
    std::lock_guard lock(mutex);
    errors.push_back(std::move(what));
  }
  void end_media(std::string reason) {
    net::ws_channel_ptr ch;
    {
      std::lock_guard lock(mutex);
      ch = channel;
      call_live = false;
    }
    if (ch) ch->close(std::move(reason));
  }

  // A frame from the gateway, on the I/O thread.
  void on_frame(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    auto event = d.IsObject() ? net::json::string_or(d, "event") : std::string_view{};
    if (event == "playAudio") return on_play_audio(d);
    if (event == "checkpoint" || event == "clearAudio") {
      if (net::json::string_or(d, "streamId") != stream_id) return error(std::string(event) + " for another streamId");
      if (event == "clearAudio") return on_clear();
      auto name = net::json::string_of(d, "name");
      if (!name || name->empty()) return error("checkpoint without a name");
      std::lock_guard lock(mutex);
      handset.on_mark(std::string(*name), clock::now());
      wake.notify_all();
      return;
    }
    if (event == "sendDTMF") return;
    error("unknown message: " + text.substr(0, 80));
  }

  void on_play_audio(const rapidjson::Document& d) {
    const auto* media = net::json::member(d, "media");
    if (!media || !media->IsObject()) return error("playAudio without media");
    const auto* rate = net::json::member(*media, "sampleRate");
    if (net::json::string_or(*media, "contentType") != "audio/x-mulaw" || !rate || !rate->IsUint() ||
        rate->GetUint() != 8000)
      return error("playAudio whose contentType/sampleRate is not the stream's audio/x-mulaw at 8000");
    auto audio = codecs::base64::decode(net::json::string_or(*media, "payload"));
    if (!audio || audio->empty()) return error("playAudio without a base64 payload");
    std::lock_guard lock(mutex);
    auto now = clock::now();
    // Plivo's playback queue holds about 60 s [GUIDE]: beyond it, audio is lost.
    if (handset.queued(now) > std::chrono::seconds(60)) {
      errors.push_back("playback queue over 60 s: audio dropped");
      return;
    }
    handset.on_media(audio->size(), now);  // 8 bytes of µ-law per millisecond
  }

  void on_clear() {
    std::lock_guard lock(mutex);
    handset.on_clear(clock::now());  // the pending checkpoints are never answered: their audio did not play [CKPT]
    send_locked(sim::plivo::cleared_audio(next_sequence(), stream_id));
  }
};

namespace {

class plivo_sink final : public net::ws_sink {
 public:
  explicit plivo_sink(std::shared_ptr<plivo_call::state> s) : state_(std::move(s)) {}
  void on_text(std::string&& frame) override {
    state_->on_frame(frame);
    state_->in->push(std::move(frame));
  }
  void on_closed(std::string reason) override { state_->in->close(std::move(reason)); }

 private:
  std::shared_ptr<plivo_call::state> state_;
};

net::http_response status(unsigned code, std::string body = {}) {
  net::http_response r = net::http_response::text(code, std::move(body));
  if (code != 204) r.content_type = "application/json";
  return r;
}

}  // namespace

plivo_call::plivo_call(options o) : options_(std::move(o)), state_(std::make_shared<state>()) {
  player_ = std::thread([this] { play(); });
}

plivo_call::~plivo_call() {
  bool open = false;
  {
    std::lock_guard lock(state_->mutex);
    open = state_->channel != nullptr;
  }
  // Close with a close frame and let the handshake finish before the loop stops.
  if (open) {
    state_->end_media("test over");
    state_->in->wait_closed(std::chrono::seconds(1));
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  player_.join();
  if (rest_) rest_->stop();
  if (running_) io_.stop();
  std::lock_guard lock(state_->mutex);
  state_->channel.reset();  // the channel's sink holds the state: break the cycle
}

void plivo_call::play() {
  std::unique_lock lock(state_->mutex);
  while (!state_->stopping) {
    auto when = state_->handset.next_due();
    if (!when) {
      state_->wake.wait(lock);
      continue;
    }
    if (clock::now() < *when) {
      state_->wake.wait_until(lock, *when);
      continue;
    }
    state_->handset.answer_due(clock::now(), [&](const std::string& name) {
      state_->send_locked(sim::plivo::played_stream(state_->next_sequence(), state_->stream_id, name));
    });
  }
}

net::http_client_response plivo_call::post_answer(const std::string& call_uuid, const std::string& query, signing how) {
  const std::string target = "/plivo/voice" + (query.empty() ? std::string() : "?" + query);
  auto form = sim::plivo::answer_form(call_uuid);
  net::http_client_request req;
  req.method = "POST";
  req.url = options_.gateway + target;
  req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  if (how != signing::none)
    for (auto& h : sim::plivo::signed_headers(options_.auth_token, "POST", options_.public_url + target, form))
      req.headers.push_back(std::move(h));
  if (how == signing::tampered) form.emplace_back("Digits", "1234");
  req.body = net::encode_form(form);
  {
    std::lock_guard lock(state_->mutex);
    state_->call_uuid = call_uuid;
    state_->call_live = true;
  }
  run();
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto future = promise->get_future();
  net::http_fetch(io_, std::move(req), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  return future.get();
}

void plivo_call::run() {
  if (!std::exchange(running_, true)) io_.start();
}

std::string plivo_call::open_stream(const std::string& answer_xml) {
  auto stream = sim::plivo::parse_stream_instruction(answer_xml);
  if (!stream) return "the answer holds no <Stream>";
  if (auto why = sim::plivo::refusal(*stream); !why.empty()) return why;
  return open_media(stream->url);
}

std::string plivo_call::open_media(const std::string& url) {
  auto u = net::parse_url(url);
  if (!u || (u->scheme != "wss" && u->scheme != "ws")) return "bad stream url: " + url;
  run();
  std::string error;
  for (int attempt = 0; attempt <= options_.connect_retries; ++attempt) {
    net::ws_connect_options o;
    o.url = "ws://" + options_.gateway.substr(options_.gateway.find("://") + 3) + std::string(u->target);
    // Signed as Plivo's Node stream SDK checks it: the https:// form of the URL, GET, no parameters.
    o.headers = sim::plivo::signed_headers(options_.auth_token, "GET", "https://" + u->host_port() + u->target, {});
    auto promise = std::make_shared<std::promise<std::string>>();
    auto future = promise->get_future();
    auto s = state_;
    net::ws_connect(io_, std::move(o), std::make_shared<plivo_sink>(s),
                    [s, promise](net::ws_channel_ptr ch, std::string err) {
                      if (ch) {
                        std::lock_guard lock(s->mutex);
                        s->channel = std::move(ch);
                      }
                      promise->set_value(std::move(err));
                    });
    error = future.get();
    if (error.empty()) return {};
  }
  return error;
}

std::string plivo_call::stream_id() const { return state_->stream_id; }

void plivo_call::send_start(const std::string& call_uuid) {
  state_->send(sim::plivo::start_message(state_->next_sequence(), call_uuid, state_->stream_id));
}

void plivo_call::send_media(const std::string& raw_mulaw) {
  std::uint64_t chunk = 0;
  {
    std::lock_guard lock(state_->mutex);
    chunk = ++state_->chunk;
  }
  state_->send(
      sim::plivo::media_message(state_->next_sequence(), state_->stream_id, chunk, (chunk - 1) * 20, raw_mulaw));
}

void plivo_call::send_dtmf(const std::string& digit) {
  std::uint64_t at = 0;
  {
    std::lock_guard lock(state_->mutex);
    at = state_->chunk * 20;
  }
  state_->send(sim::plivo::dtmf_message(state_->next_sequence(), state_->stream_id, digit, at));
}

void plivo_call::send_stop() {
  state_->send(sim::plivo::stop_message(state_->next_sequence(), state_->stream_id, "hangup"));
}

void plivo_call::hang_up() { state_->end_media("caller hung up"); }

std::shared_ptr<frame_queue> plivo_call::received() const { return state_->in; }
std::shared_ptr<frame_queue> plivo_call::sent() const { return state_->out; }

milliseconds plivo_call::queued() const {
  std::lock_guard lock(state_->mutex);
  return state_->handset.queued(clock::now());
}

milliseconds plivo_call::played() const {
  std::lock_guard lock(state_->mutex);
  return state_->handset.played(clock::now());
}

std::vector<std::string> plivo_call::protocol_errors() const {
  std::lock_guard lock(state_->mutex);
  return state_->errors;
}

std::string plivo_call::start_rest() {
  net::http_server_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  rest_ = std::make_unique<net::http_server>(io_, o);
  auto s = state_;
  auto expected_auth = "Basic " + codecs::base64::encode(options_.auth_id + ":" + options_.auth_token);
  auto account = "/v1/Account/" + options_.auth_id + "/Call/";
  rest_->route_prefix(
      "DELETE", "/v1/Account/", [s, expected_auth, account](net::http_request req, net::responder respond) {
        auto answer = [&](unsigned code, std::string body = {}) {
          {
            std::lock_guard lock(s->mutex);
            s->rest.push_back({req.method, req.target, code});
          }
          s->wake.notify_all();
          respond(status(code, std::move(body)));
        };
        if (!net::crypto::constant_time_equal(net::header_or(req.headers, "authorization"), expected_auth))
          return answer(401, R"({"error":"authentication failed"})");
        auto path = std::string(req.path());
        if (path.rfind(account, 0) != 0) return answer(404, R"({"error":"not found"})");
        auto rest = path.substr(account.size());  // "<uuid>/", "<uuid>/Stream/" or ""
        if (rest.empty() || rest == "/") {
          // Plivo would end every call on the account: so does the fake, and the test sees it counted.
          {
            std::lock_guard lock(s->mutex);
            ++s->account_wide;
          }
          s->end_media("every call on the account was hung up");
          return answer(204);
        }
        std::string uuid = rest.substr(0, rest.find('/'));
        bool live = false;
        {
          std::lock_guard lock(s->mutex);
          live = s->call_live && uuid == s->call_uuid;
        }
        if (!live) return answer(404, R"({"api_id":"sim","error":"call not found"})");
        if (rest == uuid + "/Stream/") {  // the stream stops; the call stays up
          net::ws_channel_ptr ch;
          {
            std::lock_guard lock(s->mutex);
            ch = s->channel;
          }
          if (ch) ch->close("stream stopped");
        } else {
          s->end_media("call hung up");
        }
        answer(204);
      });
  auto err = rest_->start();
  if (err.empty()) run();
  return err;
}

std::string plivo_call::rest_base() const { return "http://127.0.0.1:" + std::to_string(rest_->port()) + "/v1"; }

std::vector<plivo_call::rest_call> plivo_call::rest_calls() const {
  std::lock_guard lock(state_->mutex);
  return state_->rest;
}

bool plivo_call::wait_rest_calls(std::size_t n, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->wake.wait_for(lock, timeout, [&] { return state_->rest.size() >= n; });
}

int plivo_call::account_wide_hangups() const {
  std::lock_guard lock(state_->mutex);
  return state_->account_wide;
}

}  // namespace voxgate::sim
