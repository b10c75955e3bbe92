// OpenAI Realtime (GA) session: connects while the phone rings, configures the session, holds caller
// audio until session.updated, then translates between the call's messages and Realtime events.
#include <spdlog/spdlog.h>

#include <deque>
#include <mutex>

#include "actors/ai_sessions.hpp"
#include "actors/socket_sinks.hpp"
#include "codecs/base64.hpp"
#include "net/openai/client_events.hpp"
#include "net/openai/server_events.hpp"

namespace voxgate::actors {
namespace {

constexpr std::string_view end_call_tool =
    R"({"type":"function","name":"end_call","description":"Hang up the phone call. Use it after saying goodbye, when the conversation is over.","parameters":{"type":"object","properties":{}}})";

// The business's tools plus the built-in end_call, as one JSON array.
std::string tools_with_end_call(const std::string& tools_json) {
  std::string t = tools_json;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.pop_back();
  if (t.size() < 2 || t.front() != '[' || t.back() != ']') return "[" + std::string(end_call_tool) + "]";
  std::string inner = t.substr(1, t.size() - 2);
  bool empty = inner.find_first_not_of(" \n\t") == std::string::npos;
  return "[" + inner + (empty ? "" : ",") + std::string(end_call_tool) + "]";
}

// The session can end (the caller hung up) while its socket is still connecting, and the socket's
// arrival then finds no one: whichever of the two comes second closes the socket, so a late connect
// leaves nothing open. Shared by the actor and the connect callback, which may run on another thread.
struct connect_race {
  std::mutex m;
  bool ended = false;
  net::ws_channel_ptr channel;
};

struct openai_state {
  static inline const char* name = "ai_openai";
  openai_options options;
  ai_session_args args;
  std::shared_ptr<net::ws_channel_ptr> channel = std::make_shared<net::ws_channel_ptr>();
  std::shared_ptr<connect_race> race = std::make_shared<connect_race>();
  bool ready = false;
  std::deque<std::string> held;  // caller audio before session.updated
  std::size_t held_bytes = 0;
  std::uint64_t held_dropped = 0;
  actor_metrics am{};
  ~openai_state() {
    if (am.live) am.live->sub();
  }
};

using openai_pointer = ai_session_actor::stateful_pointer<openai_state>;

void send_text(openai_pointer self, std::string text, bool droppable = false) {
  if (*self->state.channel) (*self->state.channel)->send_text(std::move(text), droppable);
}

void send_audio(openai_pointer self, const std::string& bytes) {
  std::string msg;
  net::openai::input_audio_append({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, msg);
  send_text(self, std::move(msg), true);
}

void fail(openai_pointer self, const std::string& why) { self->quit(caf::make_error(caf::sec::runtime_error, why)); }

void on_event(openai_pointer self, std::string& text) {
  auto& st = self->state;
  net::openai::server_event ev;
  if (auto err = net::openai::parse_server_event(text, ev); !err.empty()) {
    st.options.metrics->bad_frames.with({"openai", std::string(err)}).inc();
    spdlog::warn("call={} refused an OpenAI frame: {}", st.args.call_id, err);
    return;
  }
  using net::openai::server_kind;
  switch (ev.kind) {
    case server_kind::audio_delta: {
      std::string item(ev.item_id);  // copied: decoding below reuses the buffer it points into
      auto n = codecs::base64::decode(ev.delta, reinterpret_cast<std::uint8_t*>(text.data()));
      if (!n) {
        st.options.metrics->bad_frames.with({"openai", "bad base64"}).inc();
        return;
      }
      text.resize(*n);
      self->send(st.args.listener, ai_audio_atom::value, audio_chunk{st.args.format, std::move(text), std::move(item)});
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
      spdlog::info("call={} AI calls tool {}", st.args.call_id, ev.name);
      self->send(st.args.listener, tool_atom::value,
                 tool_call{std::string(ev.call_id), std::string(ev.name), std::string(ev.arguments)});
      return;
    case server_kind::response_done:
      self->send(st.args.listener, ai_state_atom::value, std::string("response_done"));
      return;
    case server_kind::session_created: {
      net::openai::session_config config;
      config.instructions = st.args.agent.instructions;
      config.voice = st.args.agent.voice;
      config.input_format = config.output_format = st.args.format;
      config.tools_json = tools_with_end_call(st.args.agent.tools_json);
      send_text(self, net::openai::session_update(config));
      return;
    }
    case server_kind::session_updated: {
      if (st.ready) return;
      st.ready = true;
      // Held audio goes first, in order: nothing the caller said while we connected is lost.
      for (auto& chunk : st.held) send_audio(self, chunk);
      if (!st.held.empty())
        spdlog::info("call={} sent {} held caller chunks after session.updated", st.args.call_id, st.held.size());
      st.held.clear();
      st.held_bytes = 0;
      self->send(st.args.listener, ai_state_atom::value, std::string("ready"));
      if (st.args.agent.greet_first) send_text(self, net::openai::response_create());
      return;
    }
    case server_kind::error:
      st.options.metrics->ai_errors.with({"openai", std::string(ev.error_code)}).inc();
      spdlog::warn("call={} OpenAI error code={} message={}", st.args.call_id, ev.error_code, ev.message);
      if (ev.error_code == "session_expired") fail(self, "OpenAI session expired");
      return;
    case server_kind::other:
      return;
  }
}

ai_session_actor::behavior_type openai_behavior(openai_pointer self, openai_options options, ai_session_args args) {
  auto& st = self->state;
  st.options = std::move(options);
  st.args = std::move(args);
  st.am = st.options.metrics->for_actor("ai_openai");
  st.am.live->add();
  self->attach_functor([channel = st.channel, race = st.race] {
    if (*channel) (*channel)->close("call ended");
    std::lock_guard lock(race->m);
    race->ended = true;
    if (race->channel) race->channel->close("call ended");
    race->channel.reset();
  });

  net::ws_connect_options connect;
  connect.url = st.options.url;
  connect.tls = st.options.tls;
  connect.headers.emplace_back("authorization", "Bearer " + st.options.api_key);
  ai_session_actor me = self;
  self->delayed_send(self, st.options.setup_timeout, tick_atom::value);
  st.options.connect(std::move(connect), std::make_shared<ai_socket_sink>(me),
                     [me, race = st.race](net::ws_channel_ptr channel, std::string error) {
                       {
                         std::lock_guard lock(race->m);
                         if (race->ended) {
                           if (channel) channel->close("call ended before the AI answered");
                           return;
                         }
                         race->channel = channel;
                       }
                       caf::anon_send(me, ai_open_atom::value, std::move(channel), std::move(error));
                     });

  return {
      [self](caller_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.ready) {
          send_audio(self, chunk.bytes);
          return;
        }
        st.held_bytes += chunk.bytes.size();
        st.held.push_back(std::move(chunk.bytes));
        while (st.held_bytes > st.options.max_held_bytes && !st.held.empty()) {
          st.held_bytes -= st.held.front().size();
          st.held.pop_front();
          ++st.held_dropped;
          st.options.metrics->frames_dropped.with({"ai", "in_held"}).inc();
        }
      },
      [self](truncate_atom, std::string& item_id, std::uint32_t audio_end_ms) {
        self->state.am.handled->inc();
        send_text(self, net::openai::item_truncate(item_id, audio_end_ms));
      },
      [self](tool_done_atom, tool_result& result) {
        self->state.am.handled->inc();
        send_text(self, net::openai::function_call_output(result.call_id, result.output));
        send_text(self, net::openai::response_create());
      },
      [self](dtmf_atom, std::string& digit) {
        self->state.am.handled->inc();
        send_text(self, net::openai::user_text_item("The caller pressed the key " + digit + " on their phone keypad."));
        send_text(self, net::openai::response_create());
      },
      [self](ai_open_atom, net::ws_channel_ptr& channel, std::string& error) {
        auto& st = self->state;
        st.am.handled->inc();
        if (!channel) {
          st.options.metrics->ai_errors.with({"openai", "connect"}).inc();
          spdlog::error("call={} cannot reach OpenAI Realtime: {}", st.args.call_id, error);
          fail(self, "AI connect failed: " + error);
          return;
        }
        *st.channel = std::move(channel);
        spdlog::info("call={} AI session connected", st.args.call_id);
      },
      [self](ai_frame_atom, std::string& text) {
        self->state.am.handled->inc();
        on_event(self, text);
      },
      [self](ai_closed_atom, std::string& reason) {
        auto& st = self->state;
        st.am.handled->inc();
        st.options.metrics->ai_errors.with({"openai", "closed"}).inc();
        fail(self, "AI socket closed: " + reason);
      },
      [self](tick_atom) {
        // The only tick is the set-up deadline.
        auto& st = self->state;
        st.am.handled->inc();
        if (st.ready) return;
        st.options.metrics->ai_errors.with({"openai", "setup_timeout"}).inc();
        spdlog::error("call={} OpenAI session not ready within {} ms (connected: {}): ending the call",
                      st.args.call_id, st.options.setup_timeout.count(), *st.channel ? "yes" : "no");
        fail(self, "AI session not ready in time");
      },
  };
}

}  // namespace

ai_session_actor spawn_openai_session(caf::actor_system& sys, openai_options options, ai_session_args args) {
  return sys.spawn(openai_behavior, std::move(options), std::move(args));
}

}  // namespace voxgate::actors
