// GPT-Live session: connects while the phone rings, sends session.start at once, holds caller audio
// until session.started, then streams the call's G.711 unchanged both ways. There is no turn, item
// or truncate in this API: the model handles interruptions itself, and the call clears the carrier's
// buffer when the caller's words start arriving while the model's audio plays.
#include "actors/ai/openai_live.hpp"

#include <spdlog/spdlog.h>

#include <deque>

#include "actors/ai/openai_common.hpp"
#include "net/ai/openai_live/server_events.hpp"
#include "net/json.hpp"
#include "net/log_value.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::actors::ai {
namespace {

constexpr char backend_name[] = "openai-live";
namespace live = net::ai::openai_live;

// The conversation so far, as the API transcribes it, bounded: what a client delegation hands the
// business's endpoint, since session.delegation.created carries no task text.
class transcript {
 public:
  enum class speaker : std::uint8_t { none, caller, assistant };

  explicit transcript(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  // Returns true when `who` starts speaking (the other side spoke last, or nobody yet).
  bool add(speaker who, std::string_view text) {
    bool starts = who != last_;
    last_ = who;
    if (text.empty()) return starts;
    if (starts || turns_.empty()) turns_.push_back({who, {}});
    turns_.back().text += text;
    bytes_ += text.size();
    while (bytes_ > max_bytes_ && turns_.size() > 1) {
      bytes_ -= turns_.front().text.size();
      turns_.pop_front();
    }
    return starts;
  }
  void spoke(speaker who) { last_ = who; }  // audio with no words yet
  // [{"speaker":"caller","text":"..."},...]
  std::string json() const {
    std::string out = "[";
    for (const auto& t : turns_) {
      if (out.size() > 1) out += ',';
      out += R"({"speaker":)";
      out += t.who == speaker::caller ? R"("caller")" : R"("assistant")";
      out += R"(,"text":)";
      net::json::append_string(out, t.text);
      out += '}';
    }
    return out + "]";
  }

 private:
  struct turn {
    speaker who;
    std::string text;
  };
  std::size_t max_bytes_;
  std::deque<turn> turns_;
  std::size_t bytes_ = 0;
  speaker last_ = speaker::none;
};

struct live_state {
  static inline const char* name = "ai_openai_live";
  openai_live_options options;
  ai_session_args args;
  std::shared_ptr<session_socket> socket;
  bool started = false;
  bool closing = false;  // session.close sent; waiting for session.closed
  caf::actor_clock::time_point close_deadline{};  // the set-up deadline's tick may come first
  bool greeting_due = false;
  held_audio held;  // caller audio before session.started
  double usage_seconds = 0;
  transcript words{4096};
  actor_metrics am{};
  ~live_state() {
    if (am.live) am.live->sub();
  }
};

using live_pointer = ai_session_internal::stateful_pointer<live_state>;

void send_audio(live_pointer self, const std::string& bytes) {
  auto& st = self->state;
  std::string msg;
  live::input_audio_append({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, msg);
  st.socket->send(std::move(msg), true);
  // The greeting is asked for once audio flows: an append with no audio in flight may go unheard.
  if (st.greeting_due) {
    st.greeting_due = false;
    st.socket->send(live::instructions_append(
        "The call has just connected. Greet the caller briefly and ask how you can help."));
  }
}

void report_usage(live_pointer self, double seconds) {
  auto& st = self->state;
  if (seconds < st.usage_seconds) return;  // cumulative: never goes back
  st.usage_seconds = seconds;
  self->send(st.args.listener, usage_atom::value, ai_usage{seconds, seconds / 60.0 * st.options.usd_per_minute});
}

// Ends the session as the API asks: session.close, then a short wait for session.closed and its
// usage. A socket never opened, or a session never started, just closes.
void close_session(live_pointer self, caf::error reason) {
  auto& st = self->state;
  if (st.closing) return;
  if (!st.socket->is_open() || !st.started) {
    self->quit(std::move(reason));
    return;
  }
  st.closing = true;
  st.close_deadline = self->clock().now() + st.options.close_wait;
  st.socket->send(live::session_close());
  self->delayed_send(self, st.options.close_wait, tick_atom::value);
}

void on_started(live_pointer self, const live::server_event& ev) {
  auto& st = self->state;
  if (st.started) return;
  st.started = true;
  spdlog::info("call={} GPT-Live session started id={} expires_at={}", st.args.call_id, net::token{ev.session_id},
               ev.expires_at);
  st.greeting_due = st.args.agent.greet_first;
  // Held audio goes first, in order: nothing the caller said while we connected is lost.
  st.held.release([self](const std::string& chunk) { send_audio(self, chunk); });
  self->send(st.args.listener, ai_state_atom::value, ai_state::ready);
}

void on_event(live_pointer self, std::string& text) {
  auto& st = self->state;
  live::server_event ev;
  if (auto err = live::parse_server_event(text, ev); !err.empty()) {
    st.options.metrics->bad_frames.with({backend_name, std::string(err)}).inc();
    spdlog::warn("call={} refused a GPT-Live frame: {}", st.args.call_id, err);
    return;
  }
  using live::server_kind;
  switch (ev.kind) {
    case server_kind::audio_delta: {
      st.words.spoke(transcript::speaker::assistant);
      if (!decode_delta_in_place(text, ev.delta, *st.options.metrics, backend_name)) return;
      self->send(st.args.audio, ai_audio_atom::value, audio_chunk{st.args.format, std::move(text), {}});
      return;
    }
    case server_kind::input_transcript:
      // The caller's words starting while the model spoke last: the model is stopping by itself, and
      // the call clears what the carrier still holds of its audio.
      if (st.words.add(transcript::speaker::caller, ev.delta)) self->send(st.args.listener, speech_atom::value);
      return;
    case server_kind::output_transcript:
      st.words.add(transcript::speaker::assistant, ev.delta);
      return;
    case server_kind::delegation:
      // Only a client delegation is ours to run; a Responses one runs on the server (its function
      // calls come as response.event).
      if (st.options.delegation != live::delegation_mode::client || ev.target != "client") return;
      spdlog::info("call={} GPT-Live delegates to the tool endpoint delegation={}", st.args.call_id,
                   net::token{ev.delegation_id});
      self->send(st.args.listener, tool_atom::value,
                 tool_call{std::string(ev.delegation_id), "delegate", R"({"transcript":)" + st.words.json() + "}"});
      return;
    case server_kind::function_call:
      spdlog::info("call={} AI calls tool={}", st.args.call_id, net::token{ev.name});
      self->send(st.args.listener, tool_atom::value,
                 tool_call{std::string(ev.call_id), std::string(ev.name), std::string(ev.arguments)});
      return;
    case server_kind::usage:
      report_usage(self, ev.usage_seconds);
      return;
    case server_kind::closed:
      report_usage(self, ev.usage_seconds);
      st.options.metrics->ai_session_seconds.with({backend_name}).observe(st.usage_seconds);
      spdlog::info("call={} GPT-Live session closed reason={} usage_seconds={:.1f}", st.args.call_id,
                   net::token{ev.reason}, st.usage_seconds);
      // Asked for (closing), or the server ended it (expired, content, remote_hangup, ...): either way
      // a clean end, which the call takes as the AI hanging up.
      self->quit();
      return;
    case server_kind::session_started:
      on_started(self, ev);
      return;
    case server_kind::error:
      st.options.metrics->ai_errors.with({backend_name, std::string(ev.error_code)}).inc();
      spdlog::warn("call={} GPT-Live error code={} param={} message={}", st.args.call_id, net::token{ev.error_code},
                   net::token{ev.param}, net::quoted{std::string(ev.message)});
      if (!st.started) fail_session(self, "GPT-Live refused the session: " + std::string(ev.error_code));
      return;
    case server_kind::other:
      return;
  }
}

std::string bounded(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  text.resize(cut);
  return text;
}

ai_session_internal::behavior_type live_behavior(live_pointer self, openai_live_options options, ai_session_args args) {
  auto& st = self->state;
  st.options = std::move(options);
  st.args = std::move(args);
  st.words = transcript(st.options.max_transcript_bytes);
  st.am = st.options.metrics->for_actor(live_state::name);
  st.am.live->add();
  st.socket = open_session_socket(self, st.options);
  self->set_exit_handler([self](caf::exit_msg& msg) { close_session(self, std::move(msg.reason)); });

  return {
      [self](caller_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.closing) return;
        if (st.started)
          send_audio(self, chunk.bytes);
        else
          st.held.hold(std::move(chunk), st.options.max_held, *st.options.metrics);
      },
      // No playback report in this API: the model already stopped, and the call cleared the carrier.
      [self](truncate_atom, std::string&, std::uint32_t) { self->state.am.handled->inc(); },
      [self](tool_done_atom, tool_result& result) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.options.delegation == live::delegation_mode::client) {
          st.socket->send(
              live::commentary_append(bounded(std::move(result.output), st.options.max_commentary_bytes), result.call_id));
        } else {
          st.socket->send(live::function_call_output(result.call_id, result.output));
          st.socket->send(live::response_create());
        }
      },
      [self](to_call_atom, ai_audio_sink& sink) { self->state.args.audio = std::move(sink); },
      [self](dtmf_atom, std::string& digit) {
        auto& st = self->state;
        st.am.handled->inc();
        // No DTMF event on the primary WebSocket: the model learns of the key as an instruction.
        st.socket->send(live::instructions_append("The caller pressed the key " + digit + " on their phone keypad."));
      },
      [self](ai_open_atom, net::ws_channel_ptr& channel, std::string& error) {
        auto& st = self->state;
        st.am.handled->inc();
        if (!channel) {
          connect_failed(self, *st.options.metrics, backend_name, "GPT-Live", st.args.call_id, error);
          return;
        }
        st.socket->opened(std::move(channel));
        spdlog::info("call={} AI session connected", st.args.call_id);
        live::session_config config;
        config.model = st.options.model;
        config.instructions = st.args.agent.instructions;
        config.voice = st.options.voice;
        config.format = st.args.format;
        config.delegation = st.options.delegation;
        config.responses_model = st.options.responses_model;
        config.responses_tools = tools_with_end_call(st.args.agent.tools_json);
        st.socket->send(live::session_start(config));
      },
      [self](ai_frame_atom, std::string& text) {
        self->state.am.handled->inc();
        on_event(self, text);
      },
      [self](ai_closed_atom, std::string& reason) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.closing)
          self->quit();
        else
          socket_lost(self, *st.options.metrics, backend_name, reason);
      },
      [self](tick_atom) {
        // The set-up deadline, or the wait for session.closed.
        auto& st = self->state;
        st.am.handled->inc();
        if (st.closing) {
          if (self->clock().now() < st.close_deadline) return;  // the set-up tick, not the close wait's
          spdlog::info("call={} GPT-Live sent no session.closed within {} ms: closing the socket", st.args.call_id,
                       st.options.close_wait.count());
          self->quit();
          return;
        }
        if (st.started) return;
        setup_timed_out(self, *st.options.metrics, backend_name, "GPT-Live session not started", st.args.call_id,
                        st.options.setup_timeout, st.socket->is_open());
      },
  };
}

}  // namespace

ai_session_actor spawn_openai_live_session(caf::actor_system& sys, openai_live_options options, ai_session_args args) {
  return sys.spawn(live_behavior, std::move(options), std::move(args));
}

backend openai_live_backend() {
  backend b;
  b.name = backend_name;
  b.summary = "OpenAI GPT-Live: interruptions inside the model, tools by delegation, billed per second";
  b.actor = live_state::name;
  b.settings = {
      openai_key_setting(),
      {"OPENAI_LIVE_URL", "wss://api.openai.com/v1/live/sessions", "GPT-Live endpoint (ws:// allowed for local peers)",
       checks::websocket_url()},
      {"OPENAI_LIVE_MODEL", "gpt-live-1", "the GPT-Live model", checks::any_text()},
      openai_voice_setting(),
      {"OPENAI_LIVE_DELEGATION", "client",
       "client: GPT-Live's delegations go to TOOL_WEBHOOK_URL with the transcript | responses: a Responses model "
       "calls AGENT_TOOLS (and end_call)",
       checks::one_of({"client", "responses"})},
      {"OPENAI_LIVE_RESPONSES_MODEL", "gpt-5.5", "the Responses model that runs tools with responses delegation",
       checks::any_text()},
  };
  b.chosen_by_default = false;  // until a real call through it has been tried (docs/DESIGN.md)
  b.error_codes = {"connect", "closed", "setup_timeout"};
  b.billed_by_time = true;
  b.refuse = [](const setting_values& v) { return refuse_without_key(backend_name, v); };
  b.start = [](const process_context& p) {
    auto o = openai_options<openai_live_options>(p, "OPENAI_LIVE_URL");
    o.model = value_of(p.values, "OPENAI_LIVE_MODEL");
    o.delegation = checks::lower(value_of(p.values, "OPENAI_LIVE_DELEGATION")) == "responses"
                       ? live::delegation_mode::responses
                       : live::delegation_mode::client;
    o.responses_model = value_of(p.values, "OPENAI_LIVE_RESPONSES_MODEL");
    runtime r;
    r.spawn = [o](caf::actor_system& sys, ai_session_args args) {
      return spawn_openai_live_session(sys, o, std::move(args));
    };
    // The call's own G.711 both ways, untouched; 16 kHz providers (Telnyx L16, G.722) as 16 kHz PCM.
    r.format_for = [](codecs::audio_format provider) {
      if (provider.g711()) return provider;
      return codecs::audio_format::pcm16(16000);
    };
    // The model keeps its own turns; nothing to time a turn from (no end-of-turn event).
    r.turn_silence = std::chrono::milliseconds(0);
    // No playback report: what the carrier holds is what the caller hears after the model stops.
    r.playout_lead_ms = 200;
    return r;
  };
  return b;
}

}  // namespace voxgate::actors::ai
