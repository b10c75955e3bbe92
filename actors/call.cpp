// The call actor: its behaviour, how a call ends (the outcome, who ended it, the summary line), the
// AI's tool calls and the provider's REST requests and webhooks. The media path is call_media.cpp.
#include <spdlog/spdlog.h>

#include "actors/call_state.hpp"
#include "actors/socket_sinks.hpp"
#include "actors/tool_request.hpp"
#include "net/log_value.hpp"

namespace voxgate::actors::call_parts {

void set_phase(call_pointer self, call_phase next) {
  auto& st = self->state;
  auto prev = st.record->phase.exchange(next);
  auto& active = st.env->metrics->calls_active;
  active.with({st.provider_name, std::string(to_string(prev))}).sub();
  if (next != call_phase::ending) active.with({st.provider_name, std::string(to_string(next))}).add();
}

// The AI session's own words for why it ended (the text it quit with), not CAF's rendering of the error.
std::string why_ended(caf::actor_system& sys, const caf::error& reason) {
  const auto& context = reason.context();
  if (context.size() == 1 && context.match_element<std::string>(0)) return context.get_as<std::string>(0);
  return sys.render(reason);
}

// Who ended the call, from its outcome: the caller hung up (or the far end: Twilio's stop, Telnyx's
// call.hangup), the AI called end_call, the provider's stream failed or went away, or the gateway did
// (the AI failed, no media came, shutdown, an operator).
std::string_view ended_by(outcome o) {
  switch (o) {
    case outcome::completed:
      return "caller";
    case outcome::end_call:
    case outcome::ai_ended:
      return "ai";
    case outcome::stream_failed:
    case outcome::provider_closed:
      return "provider";
    default:
      return "gateway";
  }
}

// The outcome as voxgate_calls_total labels it (a failed request names the provider and the request:
// telnyx_answer_failed), with the log line's detail after a colon.
std::string render(const call_state& st, const call_end& end) {
  if (end.outcome == outcome::provider_request_failed) return st.provider_name + "_" + end.detail + "_failed";
  std::string out(to_string(end.outcome));
  if (!end.detail.empty()) out += ": " + end.detail;
  return out;
}

// A hangup is the one provider command sent again after a failure: a caller whose hangup was lost
// stays on a silent answered line, and hanging up is idempotent everywhere (Telnyx drops a repeated
// command_id for 60 s; the tries and their timeouts take under 30 s; a call already over is refused
// as gone, which is not retried). Each failed try is logged as the last one is.
std::optional<net::http_client_request> hangup_request(provider_ptr provider,
                                                       const std::string& call_id) {
  auto request = provider->hangup(call_id);
  if (!request) return request;
  request->retries = 3;  // after 1, 2 and 4 s
  request->on_retry = [provider, call_id](const net::http_client_response& r, std::chrono::milliseconds wait) {
    provider->judge(call_id, "hangup", r);
    spdlog::info("call={} {} hangup sent again in {} ms (the same command)", call_id, provider->name(), wait.count());
  };
  return request;
}

// A REST request to the call's provider (answer, streaming_start, hangup), its answer read and logged
// by the provider. Only a hangup is sent again (hangup_request).
void provider_command(call_pointer self, net::http_client_request request, std::string what) {
  auto& st = self->state;
  call_actor me = self;
  auto id = st.id;
  auto env = st.env;
  auto provider = st.record->call.provider;
  // After a failed answer or streaming_start the caller is still on the line (ringing, or answered and
  // hearing silence), and the provider may have acted on a command whose answer timed out or could not
  // be read: tell it to hang up (hangup_request), unless it refused our key (a hangup would be refused
  // as well).
  std::optional<net::http_client_request> hangup;
  if (what != "hangup") hangup = hangup_request(provider, st.record->call.call_id);
  env->fetch(std::move(request), [me, env, id, what, provider, hangup = std::move(hangup)](net::http_client_response r) mutable {
    switch (provider->judge(id, what, r)) {
      case net::providers::rest_verdict::accepted:
        return;
      case net::providers::rest_verdict::call_gone:
        caf::anon_send(me, hangup_atom::value, call_end{outcome::completed, {}});
        return;
      case net::providers::rest_verdict::failed:
        if (hangup)
          env->fetch(std::move(*hangup), [id, provider](net::http_client_response h) { provider->judge(id, "hangup", h); });
        [[fallthrough]];
      case net::providers::rest_verdict::key_refused:
        if (what != "hangup") caf::anon_send(me, hangup_atom::value, call_end{outcome::provider_request_failed, what});
        return;
    }
  });
}

// Whether the call's end is also sent to the provider as a REST hangup: the AI ended the call (every
// provider that has one), or the gateway ended it while the caller may still be on the line of a
// provider whose call outlives its stream (shutdown, the AI failing, no media, the socket lost). Not
// when the caller hung up, nor after a failed answer or streaming_start, which sent its own.
bool hangs_up_over_rest(outcome o, const net::providers::traits& traits) {
  switch (o) {
    case outcome::end_call:
    case outcome::ai_ended:
      return true;
    case outcome::completed:
    case outcome::provider_request_failed:
      return false;
    default:
      return traits.call_outlives_stream;
  }
}

void end_call(call_pointer self, const call_end& end) {
  auto& st = self->state;
  if (st.record->phase.load() == call_phase::ending) return;
  auto outcome = render(st, end);
  st.record->outcome = outcome;
  set_phase(self, call_phase::ending);
  const auto& call = st.record->call;
  if (hangs_up_over_rest(end.outcome, call.provider->traits())) {
    if (auto req = hangup_request(call.provider, call.call_id)) provider_command(self, std::move(*req), "hangup");
  }
  if (st.provider) {
    auto stats = st.provider->stats();
    st.record->frames_dropped = stats.dropped_out;
    st.dropped_out->inc(stats.dropped_out);
    if (stats.refused_binary)
      st.env->metrics->bad_frames.with({st.provider_name, "binary frame"}).inc(stats.refused_binary);
    st.provider->close(outcome);
  }
  if (st.ai) self->send_exit(st.ai, caf::exit_reason::user_shutdown);
  if (st.transcoder) self->send_exit(st.transcoder, caf::exit_reason::user_shutdown);
  auto age = std::chrono::steady_clock::now() - st.record->created;
  spdlog::info(
      "call={} ended outcome={} ended_by={} provider={} from={} to={} ai={}{}{} barge_ins={} duration_ms={} "
      "frames_in={} frames_out={} dropped_out={}",
      st.id, net::token{outcome}, ended_by(end.outcome), st.provider_name, net::quoted{call.from}, net::quoted{call.to},
      st.env->ai_backend,
      call.simulated.empty() ? std::string() : fmt::format(" simulated={}", net::token{call.simulated}),
      st.usage.seconds > 0
          ? fmt::format(" ai_seconds={:.1f} ai_cost_usd={:.4f}", st.usage.seconds, st.usage.cost_usd)
          : std::string(),
      st.record->barge_ins.load(), std::chrono::duration_cast<std::chrono::milliseconds>(age).count(),
      st.record->frames_in.load(), st.record->frames_out.load(), st.record->frames_dropped.load());
  self->quit();
}

void on_tool_call(call_pointer self, tool_call& call) {
  auto& st = self->state;
  auto& env = *st.env;
  if (call.name == "end_call") {
    env.metrics->tool_calls.with({"end_call", "ok"}).inc();
    self->send(st.ai, tool_done_atom::value, tool_result{call.call_id, R"({"ok":true})"});
    if (!st.hangup_scheduled) {
      st.hangup_scheduled = true;
      // Let what the AI already said play out, then hang up.
      auto remaining = st.play ? st.play->remaining_ms(now_ms(self)) : 0;
      self->delayed_send(self, std::chrono::milliseconds(remaining) + env.hangup_grace, hangup_atom::value,
                         call_end{outcome::end_call, {}});
    }
    return;
  }
  if (env.tool_webhook_url.empty()) {
    env.metrics->tool_calls.with({call.name, "no_endpoint"}).inc();
    self->send(st.ai, tool_done_atom::value,
               tool_result{call.call_id, R"j({"error":"no tool endpoint is configured (TOOL_WEBHOOK_URL)"})j"});
    return;
  }
  auto request = make_tool_request(env, st.record->call, call);
  call_internal me = self;
  auto metrics = env.metrics;
  env.fetch(std::move(request), [me, metrics, id = st.id, call_id = call.call_id, name = call.name,
                                 sent = std::chrono::steady_clock::now()](net::http_client_response r) {
    auto result = tool_output_from(r);
    std::string outcome = r.ok() ? "ok" : "error";
    metrics->tool_calls.with({name, outcome}).inc();
    metrics->tool_duration.with({name, outcome})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count());
    // The AI hears the error and the call goes on; without this line the operator would only see a
    // counter move (a tool endpoint with a bad certificate looked exactly like a slow business).
    if (!r.ok())
      spdlog::warn("call={} tool={} failed, the AI gets an error output={}", id, net::token{name}, net::quoted{result});
    caf::anon_send(me, tool_done_atom::value, tool_result{call_id, std::move(result)});
  });
}

void on_provider_event(call_pointer self, provider_event& ev) {
  auto& st = self->state;
  switch (ev.kind) {
    case call_event_kind::answered:
      if (auto req = st.record->call.provider->on_answered(st.record->call, st.record->token))
        provider_command(self, std::move(*req), "streaming_start");
      return;
    case call_event_kind::hangup:
      spdlog::info("call={} provider hangup cause={}", st.id, net::token{ev.detail});
      end_call(self, {outcome::completed, {}});
      return;
    case call_event_kind::stream_failed:
      spdlog::warn("call={} provider could not stream reason={}", st.id, net::quoted{ev.detail});
      end_call(self, {outcome::stream_failed, {}});
      return;
    case call_event_kind::dtmf:
      if (ev.detail.size() == 1 && !st.ai_down) self->send(st.ai, dtmf_atom::value, ev.detail);
      return;
    case call_event_kind::stream_started:
    case call_event_kind::stream_stopped:
      spdlog::info("call={} provider stream {}", st.id,
                   ev.kind == call_event_kind::stream_started ? "started" : "stopped");
      return;
  }
}

call_internal::behavior_type call_behavior(call_pointer self, call_env_ptr env, std::shared_ptr<call_record> record) {
  auto& st = self->state;
  st.env = env;
  st.record = record;
  st.id = record->call.call_id;
  st.provider_name = std::string(record->call.provider->name());
  st.dialect = &record->call.provider->media();
  st.frames_in = &env->metrics->frames.with({st.provider_name, "in"});
  st.frames_out = &env->metrics->frames.with({st.provider_name, "out"});
  st.dropped_out = &env->metrics->frames_dropped.with({st.provider_name, "out"});
  st.am = env->metrics->for_actor("call");
  st.am.live->add();
  env->metrics->calls_active.with({st.provider_name, "ringing"}).add();
  st.provider_format = record->call.media_format;
  st.ai_format = env->ai_format_for(st.provider_format);
  st.play.emplace(playout_for(st));

  // The AI session connects while the phone still rings, its audio through the transcoder if any.
  auto audio_to = plan_transcoder(self);
  st.ai = env->make_ai(self->system(), ai_session_args{st.id, self, audio_to, env->agent, st.ai_format});
  self->link_to(st.ai);
  if (st.transcoder) self->send(st.transcoder, to_ai_atom::value, caller_audio_sink{st.ai});
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    if (msg.source == st.ai && !msg.reason) {
      // The session ended itself cleanly: the AI hung up (GPT-Live's session.closed).
      st.ai_down = true;
      if (st.record->phase.load() == call_phase::ending) return;
      spdlog::info("call={} AI session ended the call", st.id);
      end_call(self, {outcome::ai_ended, {}});
    } else if (msg.source == st.ai) {
      spdlog::warn("call={} AI session ended reason={}", st.id, net::quoted{why_ended(self->system(), msg.reason)});
      st.ai_down = true;
      if (st.ai_ready || st.record->phase.load() == call_phase::ending)
        end_call(self, {outcome::ai_failed, {}});
      else
        apologize(self);
    } else if (msg.source == self->state.transcoder) {
      end_call(self, {outcome::internal_error, {}});
    } else {
      end_call(self, {outcome::shutdown, {}});
    }
  });
  self->delayed_send(self, env->ringing_timeout, timeout_atom::value);
  spdlog::info("call={} created provider={} ai={}", st.id, st.provider_name, env->ai_backend);
  if (auto req = record->call.provider->on_created(record->call, record->token))
    provider_command(self, std::move(*req), "answer");

  return {
      [self](attach_atom, pending_socket& socket, net::stream_start& start) {
        auto& st = self->state;
        st.am.handled->inc();
        if (st.record->phase.load() != call_phase::ringing) {
          socket.channel->close("call already has a media stream");
          return;
        }
        st.provider = socket.channel;
        st.stream_id = start.stream_id;
        if (start.format != st.provider_format) {
          // The provider fell back to another codec (Telnyx: the leg's PCMA when PCMU was asked): the
          // pipeline is planned again for it. Audio queued for the format asked cannot play: it goes.
          spdlog::warn("call={} provider announced {} at {} Hz; expected {}: transcoding for it", st.id,
                       codecs::to_string(start.format.enc), start.format.sample_rate,
                       codecs::to_string(st.provider_format.enc));
          st.provider_format = start.format;
          st.play.emplace(playout_for(st));
          auto audio_to = plan_transcoder(self);
          if (!st.ai_down) {
            self->send(st.ai, to_call_atom::value, audio_to);
            if (st.transcoder) self->send(st.transcoder, to_ai_atom::value, caller_audio_sink{st.ai});
          }
        }
        set_phase(self, call_phase::streaming);
        st.provider->attach(std::make_shared<call_sink>(self, st.dialect->takes_binary()));
        spdlog::info("call={} streaming stream={} format={}/{}", st.id, net::token{st.stream_id},
                     codecs::to_string(st.provider_format.enc), st.provider_format.sample_rate);
        // A greeting is waited for from the moment the caller can hear it.
        if (st.awaiting_audio_since) st.awaiting_audio_since = self->clock().now();
        if (st.apologizing)
          apologize(self);
        else
          pump(self);
      },
      [self](binary_frame_atom, std::string& frame) {
        self->state.am.handled->inc();
        on_provider_frame(self, frame, true);
      },
      [self](frame_atom, std::string& frame) {
        self->state.am.handled->inc();
        on_provider_frame(self, frame, false);
      },
      [self](closed_atom, std::string& reason) {
        self->state.am.handled->inc();
        auto& st = self->state;
        bool hung_up = st.stopped || st.record->call.provider->traits().close_is_hangup;
        end_call(self, hung_up ? call_end{outcome::completed, {}} : call_end{outcome::provider_closed, reason});
      },
      [self](ai_audio_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        if (chunk.format != st.provider_format) return;  // made for a format the provider fell back from
        if (st.awaiting_audio_since && !st.reply_at_ms)  // where the reply starts in the playout's timeline
          st.reply_at_ms = st.play->sent_ms() + st.provider_format.bytes_to_ms(st.play->queued_bytes());
        if (st.play->push(chunk.item_id,
                          {reinterpret_cast<const std::uint8_t*>(chunk.bytes.data()), chunk.bytes.size()}) > 0)
          st.env->metrics->frames_dropped.with({st.provider_name, "ai_overflow"}).inc();
        pump(self);
      },
      [self](speech_atom) {
        auto& st = self->state;
        st.am.handled->inc();
        st.awaiting_audio_since.reset();  // the caller speaks (again): the wait starts when they stop
        st.reply_at_ms.reset();
        barge_in(self);
      },
      [self](speech_end_atom, std::uint32_t decided_at_ms) {
        self->state.am.handled->inc();
        turn_ended(self, decided_at_ms);
      },
      [self](ai_state_atom, ai_state what) {
        auto& st = self->state;
        st.am.handled->inc();
        if (what == ai_state::speech_stopped) {
          turn_ended(self, st.caller_audio.end_ms());  // it decided on all the audio it had
        } else if (what == ai_state::ready) {
          st.ai_ready = true;
          if (st.env->agent.greet_first) st.awaiting_audio_since = self->clock().now();
        }
      },
      [self](tool_atom, tool_call& call) {
        self->state.am.handled->inc();
        on_tool_call(self, call);
      },
      [self](tool_done_atom, tool_result& result) {
        self->state.am.handled->inc();
        self->send(self->state.ai, tool_done_atom::value, std::move(result));
      },
      [self](usage_atom, ai_usage& usage) {
        self->state.am.handled->inc();
        self->state.usage = usage;
      },
      [self](tick_atom) {
        self->state.am.handled->inc();
        self->state.tick_pending = false;
        pump(self);
      },
      [self](timeout_atom) {
        self->state.am.handled->inc();
        auto& st = self->state;
        if (st.record->phase.load() != call_phase::ringing) return;
        if (st.apologizing) {
          spdlog::info("call={} the AI cannot be reached and no media stream came for the apology", st.id);
          end_call(self, {outcome::ai_failed, {}});
          return;
        }
        spdlog::warn("call={} no media stream arrived within {} ms of the webhook", st.id,
                     st.env->ringing_timeout.count());
        end_call(self, {outcome::no_media, {}});
      },
      [self](hangup_atom, call_end& end) {
        self->state.am.handled->inc();
        end_call(self, end);
      },
      [self](event_atom, provider_event& ev) {
        self->state.am.handled->inc();
        on_provider_event(self, ev);
      },
  };
}

}  // namespace voxgate::actors::call_parts

namespace voxgate::actors {

call_internal spawn_call(caf::actor_system& sys, call_env_ptr env, std::shared_ptr<call_record> record) {
  return sys.spawn(call_parts::call_behavior, std::move(env), std::move(record));
}

}  // namespace voxgate::actors
