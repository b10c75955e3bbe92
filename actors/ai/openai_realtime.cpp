// OpenAI Realtime (GA) session: connects while the phone rings, configures the session, holds caller
// audio until session.updated, then translates between the call's messages and Realtime events.
#include "actors/ai/openai_realtime.hpp"

#include <spdlog/spdlog.h>

#include "actors/ai/openai_common.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"
#include "net/log_value.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::actors::ai {
namespace {

constexpr char backend_name[] = "openai-realtime";
namespace rt = net::ai::openai_realtime;

struct openai_state {
  static inline const char* name = "ai_openai_realtime";
  openai_realtime_options options;
  ai_session_args args;
  std::shared_ptr<session_socket> socket;
  bool ready = false;
  held_audio held;  // caller audio before session.updated
  actor_metrics am{};
  ~openai_state() {
    if (am.live) am.live->sub();
  }
};

using openai_pointer = ai_session_internal::stateful_pointer<openai_state>;

void send_text(openai_pointer self, std::string text, bool droppable = false) {
  self->state.socket->send(std::move(text), droppable);
}

void send_audio(openai_pointer self, const std::string& bytes) {
  std::string msg;
  rt::input_audio_append({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, msg);
  send_text(self, std::move(msg), true);
}

void on_event(openai_pointer self, std::string& text) {
  auto& st = self->state;
  rt::server_event ev;
  if (auto err = rt::parse_server_event(text, ev); !err.empty()) {
    st.options.metrics->bad_frames.with({backend_name, std::string(err)}).inc();
    spdlog::warn("call={} refused an OpenAI frame: {}", st.args.call_id, err);
    return;
  }
  using rt::server_kind;
  switch (ev.kind) {
    case server_kind::audio_delta: {
      std::string item(ev.item_id);  // copied: decoding below reuses the buffer it points into
      if (!decode_delta_in_place(text, ev.delta, *st.options.metrics, backend_name)) return;
      self->send(st.args.audio, ai_audio_atom::value, audio_chunk{st.args.format, std::move(text), std::move(item)});
      return;
    }
    case server_kind::speech_started:
      self->send(st.args.listener, speech_atom::value);
      return;
    case server_kind::speech_stopped:
      // Where in the caller's audio the turn ended (audio_end_ms), so the call can time what the caller waits.
      self->send(st.args.listener, speech_end_atom::value, ev.audio_ms);
      return;
    case server_kind::function_call_done:
      spdlog::info("call={} AI calls tool={}", st.args.call_id, net::token{ev.name});
      self->send(st.args.listener, tool_atom::value,
                 tool_call{std::string(ev.call_id), std::string(ev.name), std::string(ev.arguments)});
      return;
    case server_kind::response_done:
      self->send(st.args.listener, ai_state_atom::value, ai_state::response_done);
      return;
    case server_kind::session_created: {
      rt::session_config config;
      config.instructions = st.args.agent.instructions;
      config.voice = st.options.voice;
      config.input_format = config.output_format = st.args.format;
      config.tools_json = tools_with_end_call(st.args.agent.tools_json);
      send_text(self, rt::session_update(config));
      return;
    }
    case server_kind::session_updated: {
      if (st.ready) return;
      st.ready = true;
      // Held audio goes first, in order: nothing the caller said while we connected is lost.
      if (auto n = st.held.release([self](const std::string& chunk) { send_audio(self, chunk); }))
        spdlog::info("call={} sent {} held caller chunks after session.updated", st.args.call_id, n);
      self->send(st.args.listener, ai_state_atom::value, ai_state::ready);
      if (st.args.agent.greet_first) send_text(self, rt::response_create());
      return;
    }
    case server_kind::error:
      st.options.metrics->ai_errors.with({backend_name, std::string(ev.error_code)}).inc();
      spdlog::warn("call={} OpenAI error code={} message={}", st.args.call_id, net::token{ev.error_code},
                   net::quoted{ev.message});
      if (ev.error_code == "session_expired") fail_session(self, "OpenAI session expired");
      return;
    case server_kind::other:
      return;
  }
}

ai_session_internal::behavior_type openai_behavior(openai_pointer self, openai_realtime_options options, ai_session_args args) {
  auto& st = self->state;
  st.options = std::move(options);
  st.args = std::move(args);
  st.am = st.options.metrics->for_actor(openai_state::name);
  st.am.live->add();
  st.socket = open_session_socket(self, st.options);

  return {
      [self](caller_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.ready)
          send_audio(self, chunk.bytes);
        else
          st.held.hold(std::move(chunk), st.options.max_held, *st.options.metrics);
      },
      [self](truncate_atom, std::string& item_id, std::uint32_t audio_end_ms) {
        self->state.am.handled->inc();
        send_text(self, rt::item_truncate(item_id, audio_end_ms));
      },
      [self](tool_done_atom, tool_result& result) {
        self->state.am.handled->inc();
        send_text(self, rt::function_call_output(result.call_id, result.output));
        send_text(self, rt::response_create());
      },
      [self](to_call_atom, ai_audio_sink& sink) { self->state.args.audio = std::move(sink); },
      [self](dtmf_atom, std::string& digit) {
        self->state.am.handled->inc();
        send_text(self, rt::user_text_item("The caller pressed the key " + digit + " on their phone keypad."));
        send_text(self, rt::response_create());
      },
      [self](ai_open_atom, net::ws_channel_ptr& channel, std::string& error) {
        auto& st = self->state;
        st.am.handled->inc();
        if (!channel) {
          connect_failed(self, *st.options.metrics, backend_name, "OpenAI Realtime", st.args.call_id, error);
          return;
        }
        st.socket->opened(std::move(channel));
        spdlog::info("call={} AI session connected", st.args.call_id);
      },
      [self](ai_frame_atom, std::string& text) {
        self->state.am.handled->inc();
        on_event(self, text);
      },
      [self](ai_closed_atom, std::string& reason) {
        auto& st = self->state;
        st.am.handled->inc();
        socket_lost(self, *st.options.metrics, backend_name, reason);
      },
      [self](tick_atom) {
        // The only tick is the set-up deadline.
        auto& st = self->state;
        st.am.handled->inc();
        if (st.ready) return;
        setup_timed_out(self, *st.options.metrics, backend_name, "OpenAI session not ready", st.args.call_id,
                        st.options.setup_timeout, st.socket->is_open());
      },
  };
}

}  // namespace

ai_session_actor spawn_openai_realtime_session(caf::actor_system& sys, openai_realtime_options options,
                                               ai_session_args args) {
  return sys.spawn(openai_behavior, std::move(options), std::move(args));
}

backend openai_realtime_backend() {
  backend b;
  b.name = std::string(backend_name);
  b.summary = "OpenAI Realtime API: server VAD, barge-in truncated at the millisecond heard";
  b.actor = openai_state::name;
  b.settings = {
      openai_key_setting(),
      {"OPENAI_REALTIME_URL", "wss://api.openai.com/v1/realtime?model=gpt-realtime",
       "Realtime endpoint (ws:// allowed for local peers)", checks::websocket_url()},
      openai_voice_setting(),
      ai_audio_format_setting(),
  };
  b.error_codes = {"connect", "closed", "setup_timeout"};
  b.refuse = [](const setting_values& v) { return refuse_without_key(std::string(backend_name), v); };
  b.start = [](const process_context& p) {
    auto o = openai_options<openai_realtime_options>(p, "OPENAI_REALTIME_URL");
    runtime r;
    r.spawn = [o](caf::actor_system& sys, ai_session_args args) {
      return spawn_openai_realtime_session(sys, o, std::move(args));
    };
    r.format_for = g711_when_both_speak_it(ai_audio_format(value_of(p.values, "AI_AUDIO_FORMAT")));
    r.turn_silence = std::chrono::milliseconds(500);  // silence_duration_ms in session_update
    return r;
  };
  return b;
}

}  // namespace voxgate::actors::ai
