// What OpenAI's two voice APIs share here: the key and voice settings, the refusal without a key,
// the business's tools with the built-in end_call added, and a session's plumbing: its socket with
// the key as a bearer token, the set-up deadline, the caller audio held until the session is ready,
// and how a socket that cannot be reached or closes under the session ends it.
#pragma once

#include <spdlog/spdlog.h>
#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "actors/ai/backend.hpp"
#include "actors/ai/session_socket.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"

namespace voxgate::actors::ai {

setting openai_key_setting();
setting openai_voice_setting();
// "AI_BACKEND=<name> needs OPENAI_API_KEY ..." when the key is unset.
std::optional<std::string> refuse_without_key(const std::string& backend_name, const setting_values& values);

// The business's tools (a JSON array of {"type":"function",...}) plus the built-in end_call: both
// APIs take function tools in this shape (Realtime in session.update, GPT-Live in its Responses
// delegation).
std::string tools_with_end_call(const std::string& tools_json);

// Ends a session with `why` as its reason: the call logs it and ends as ai_failed.
template <class Self>
void fail_session(Self self, const std::string& why) {
  self->quit(caf::make_error(caf::sec::runtime_error, why));
}

// An audio delta's base64 (a view into `frame`) decoded into `frame` itself, which then holds just the
// audio: no allocation per delta. False, with the frame counted as bad, when it is not base64.
bool decode_delta_in_place(std::string& frame, std::string_view delta, metrics_registry& metrics,
                           std::string_view backend);

// What both APIs' options take from the process alike: the endpoint (the setting `url_setting`), the
// key, the voice, TLS, the connector, the metrics and the set-up deadline.
template <class Options>
Options openai_options(const process_context& p, const char* url_setting) {
  Options o;
  o.url = value_of(p.values, url_setting);
  o.api_key = value_of(p.values, "OPENAI_API_KEY");
  o.voice = value_of(p.values, "OPENAI_VOICE");
  o.tls = p.tls;
  o.connect = p.connect;
  o.metrics = p.metrics;
  o.setup_timeout = p.setup_timeout;
  return o;
}

// Opens the session's socket to `o.url` with the key as a bearer token. The socket closes when the
// actor ends, and the actor gets a tick_atom at the set-up deadline.
template <class Self, class Options>
std::shared_ptr<session_socket> open_session_socket(Self self, const Options& o) {
  net::ws_connect_options connect;
  connect.url = o.url;
  connect.tls = o.tls;
  connect.headers.emplace_back("authorization", "Bearer " + o.api_key);
  auto socket = session_socket::connect(self, o.connect, std::move(connect));
  self->attach_functor([socket] { socket->close("call ended"); });
  self->delayed_send(self, o.setup_timeout, tick_atom::value);
  return socket;
}

// The socket could not be opened: counted as `connect`, logged as "cannot reach <api>", and the call
// ends as ai_failed.
template <class Self>
void connect_failed(Self self, metrics_registry& metrics, std::string_view backend, std::string_view api,
                    const std::string& call_id, const std::string& error) {
  metrics.ai_errors.with({std::string(backend), "connect"}).inc();
  spdlog::error("call={} cannot reach {}: {}", call_id, api, error);
  fail_session(self, "AI connect failed: " + error);
}

// The socket closed under a session that did not end it.
template <class Self>
void socket_lost(Self self, metrics_registry& metrics, std::string_view backend, const std::string& reason) {
  metrics.ai_errors.with({std::string(backend), "closed"}).inc();
  fail_session(self, "AI socket closed: " + reason);
}

// The set-up deadline passed before the session was ready (`not_ready` says which event it waited for).
template <class Self>
void setup_timed_out(Self self, metrics_registry& metrics, std::string_view backend, std::string_view not_ready,
                     const std::string& call_id, std::chrono::milliseconds timeout, bool connected) {
  metrics.ai_errors.with({std::string(backend), "setup_timeout"}).inc();
  spdlog::error("call={} {} within {} ms (connected: {}): ending the call", call_id, not_ready, timeout.count(),
                connected ? "yes" : "no");
  fail_session(self, "AI session not ready in time");
}

// Caller audio that comes before the session is ready, held in order and bounded in time (so in bytes
// by the chunk's format: 10 s of 24 kHz PCM is six times 10 s of G.711): past `max_held` the oldest
// goes, counted as voxgate_frames_dropped_total{provider="ai",direction="in_held"}.
class held_audio {
 public:
  void hold(audio_chunk chunk, std::chrono::milliseconds max_held, metrics_registry& metrics);
  // Hands every held chunk to `send`, oldest first, and forgets them. Returns how many there were.
  template <class Send>
  std::size_t release(Send&& send) {
    auto n = chunks_.size();
    for (auto& chunk : chunks_) send(chunk);
    chunks_.clear();
    bytes_ = 0;
    return n;
  }

 private:
  std::deque<std::string> chunks_;
  std::size_t bytes_ = 0;
};

}  // namespace voxgate::actors::ai
