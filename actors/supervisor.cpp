#include "actors/supervisor.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <unordered_set>

#include "actors/admission.hpp"
#include "actors/call.hpp"
#include "actors/call_record.hpp"
#include "actors/engine.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/json.hpp"
#include "net/log_value.hpp"

namespace voxgate::actors {

std::string_view to_string(call_phase p) {
  switch (p) {
    case call_phase::ringing:
      return "ringing";
    case call_phase::streaming:
      return "streaming";
    case call_phase::ending:
      return "ending";
  }
  return "?";
}

namespace {

struct live_call {
  call_actor handle;
  std::shared_ptr<call_record> record;
  bool socket_sent = false;  // a media socket was handed to the call
};

struct supervisor_state {
  static inline const char* name = "supervisor";
  call_env_ptr env;
  std::map<std::string, live_call> calls;         // by call id
  std::map<std::string, std::string> by_session;  // second key (Telnyx call_session_id) -> call id
  std::map<caf::actor_addr, std::string> by_actor;
  std::vector<std::size_t> per_worker;  // live calls on each of the engine's workers
  std::vector<std::size_t> waiting;     // of those, the ones not yet sent their media socket
  bool draining = false;
  // Recently seen provider event ids (retries and duplicates are dropped), bounded.
  std::unordered_set<std::string> seen_events;
  std::deque<std::string> seen_order;
  actor_metrics am{};
};

using supervisor_pointer = supervisor_internal::stateful_pointer<supervisor_state>;

void refuse_socket(supervisor_pointer self, const pending_socket& socket, std::string_view reason,
                   const std::string& call_id = {}) {
  auto provider = std::string(to_string(socket.provider));
  socket.channel->report_upgrade(call_id.empty() ? "-" : call_id);
  self->state.env->metrics->media_refused.with({provider, std::string(reason)}).inc();
  spdlog::warn("media socket refused provider={} remote={} call={} reason={}", provider,
               net::token{socket.channel->remote()}, net::token{call_id.empty() ? "-" : call_id}, reason);
  socket.channel->close(std::string(reason));
}

live_call* find_call(supervisor_pointer self, const std::string& id) {
  auto& st = self->state;
  if (auto it = st.calls.find(id); it != st.calls.end()) return &it->second;
  if (auto s = st.by_session.find(id); s != st.by_session.end()) {
    if (auto it = st.calls.find(s->second); it != st.calls.end()) return &it->second;
  }
  return nullptr;
}

// The worker with the fewest live calls among those whose loop keeps up and has room, or -1
// (actors/admission.hpp). A call stays where it is placed, so a full worker takes none, and the
// calls it has keep their audio.
// `why`, when none: what kept each worker from it.
int place_call(const supervisor_state& st, std::string& why) {
  const auto& env = *st.env;
  std::vector<worker_view> workers(st.per_worker.size());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    int w = static_cast<int>(i);
    workers[i] = {st.per_worker[i], st.waiting[i], env.loop_busy ? env.loop_busy(w) : 0.0,
                  env.loop_lag ? env.loop_lag(w) : std::chrono::microseconds(0)};
  }
  admission_limits limits{env.overload_lag, env.overload_busy};
  int chosen = choose_worker(workers, limits);
  if (chosen < 0) why = why_no_worker(workers, limits);
  return chosen;
}

call_admission admit_or_refuse(supervisor_pointer self, incoming_call& call);

// In a cluster the webhook's route claimed the call before asking: a refusal gives the claim back
// here, the one place that decides, even when the route stopped waiting for the answer.
call_admission admit(supervisor_pointer self, incoming_call& call) {
  auto out = admit_or_refuse(self, call);
  if (!out.admitted && self->state.env->cluster) self->state.env->cluster->released(call.call_id);
  return out;
}

call_admission admit_or_refuse(supervisor_pointer self, incoming_call& call) {
  auto& st = self->state;
  auto& env = *st.env;
  call_admission out;
  auto token = [&] {
    return net::mint_call_token(env.token_secret, call.call_id, env.unix_now() + env.token_ttl_seconds);
  };
  if (find_call(self, call.call_id)) {
    // A retried webhook: same call, fresh token, no second actor.
    out.admitted = true;
    out.reason = "duplicate";
    out.token = token();
    return out;
  }
  if (st.draining) {
    out.reason = "draining";
    spdlog::info("call={} refused reason=draining detail=\"this instance is shutting down (SIGTERM); the caller hears "
                 "the polite refusal\"",
                 net::token{call.call_id});
    return out;
  }
  if (st.calls.size() >= env.max_calls) {
    out.reason = "capacity";
    spdlog::warn("call={} refused: MAX_CALLS={} reached", net::token{call.call_id}, env.max_calls);
    return out;
  }
  std::string why;
  int worker = place_call(st, why);
  if (worker < 0) {
    out.reason = "overload";
    spdlog::warn("call={} refused reason=overload workers=\"{}\" detail=\"no worker has room for another call; the "
                 "caller hears the polite refusal\"",
                 net::token{call.call_id}, why);
    return out;
  }
  auto record = std::make_shared<call_record>();
  record->call = call;
  record->token = token();
  record->worker = worker;
  env.homes->set(call.call_id, worker);
  ++st.per_worker[static_cast<std::size_t>(record->worker)];
  ++st.waiting[static_cast<std::size_t>(record->worker)];
  call_actor handle;
  {
    placement on(record->worker);  // the call, its AI session and its sockets all live there
    handle = spawn_call(self->system(), st.env, record);
  }
  self->monitor(handle);
  st.by_actor[handle.address()] = call.call_id;
  if (!call.session_id.empty()) st.by_session[call.session_id] = call.call_id;
  st.calls.emplace(call.call_id, live_call{handle, record});
  out.admitted = true;
  out.token = record->token;
  return out;
}

bool first_delivery(supervisor_pointer self, const std::string& event_id) {
  auto& st = self->state;
  if (event_id.empty()) return true;
  if (!st.seen_events.insert(event_id).second) return false;
  st.seen_order.push_back(event_id);
  if (st.seen_order.size() > 4096) {
    st.seen_events.erase(st.seen_order.front());
    st.seen_order.pop_front();
  }
  return true;
}

// The socket goes to its call: one that is live here and still waiting for its one socket.
void attach_to_call(supervisor_pointer self, pending_socket& socket, net::stream_start& start) {
  auto* call = find_call(self, start.call_id);
  if (!call) {
    refuse_socket(self, socket, "unknown_call", start.call_id);
    return;
  }
  if (call->socket_sent || call->record->phase.load() != call_phase::ringing) {
    refuse_socket(self, socket, "already_streaming", start.call_id);
    return;
  }
  call->socket_sent = true;  // a second socket racing the first is refused here, not by the call
  --self->state.waiting[static_cast<std::size_t>(call->record->worker)];
  socket.channel->report_upgrade(start.call_id);
  self->send(call->handle, attach_atom::value, socket, std::move(start));
}

// A start for a call this instance does not have, in a cluster: carried to the instance that owns it
// (the directory says which), as it came. False, and nothing done, when the call is here or there is
// no cluster.
bool carried_to_owner(supervisor_pointer self, pending_socket& socket, std::string& as_received,
                      const std::string& call_id) {
  auto& st = self->state;
  if (!st.env->cluster || find_call(self, call_id)) return false;
  socket.channel->report_upgrade(call_id);
  st.env->cluster->carry_socket(std::move(socket), std::move(as_received), call_id);
  return true;
}

void on_handshake_frame(supervisor_pointer self, pending_socket& socket, std::string& frame, bool binary) {
  auto& st = self->state;
  // A start for a call owned by another instance is carried there as it came (parsing may alter it).
  std::string as_received = st.env->cluster ? frame : std::string();
  net::media_event ev;
  const auto& dialect = socket.provider->media();
  if (auto err = binary ? dialect.parse_binary(frame, ev) : dialect.parse(frame, ev); !err.empty()) {
    refuse_socket(self, socket, "malformed_frame");
    return;
  }
  if (ev.kind != net::media_kind::start) {
    // Where the start is the socket's credential (AudioSocket's UUID frame), it must come first.
    if (socket.provider->traits().call_id_is_credential) {
      refuse_socket(self, socket, "first_frame_not_start");
      return;
    }
    socket.channel->resume();  // connected, or anything before start: wait for start
    return;
  }
  auto& start = *ev.start;
  // Where the call's id is the credential (AudioSocket's minted UUID), the call must be here and ringing,
  // or live on the instance the directory names.
  if (socket.provider->traits().call_id_is_credential) {
    if (!carried_to_owner(self, socket, as_received, start.call_id)) attach_to_call(self, socket, start);
    return;
  }
  // The token comes in the upgrade's path (Telnyx; Twilio's per-call path) and, where the provider's
  // start carries one (Twilio's <Parameter>), there too: that one is required, and both must match.
  std::string token = socket.upgrade_token;
  if (socket.provider->traits().token_in_start) {
    const auto* t = net::find_param(start.custom_parameters, "token");
    if (!t || t->empty()) {
      refuse_socket(self, socket, "missing_token", start.call_id);
      return;
    }
    if (!token.empty() && !net::crypto::constant_time_equal(*t, token)) {
      refuse_socket(self, socket, "token_mismatch", start.call_id);
      return;
    }
    token = *t;
  }
  if (token.empty()) {
    refuse_socket(self, socket, "missing_token", start.call_id);
    return;
  }
  auto check = net::verify_call_token(st.env->token_secret, token, start.call_id, st.env->unix_now());
  if (check != net::token_check::ok) {
    refuse_socket(self, socket, to_string(check), start.call_id);
    return;
  }
  if (!carried_to_owner(self, socket, as_received, start.call_id)) attach_to_call(self, socket, start);
}

std::vector<call_summary> calls_list(supervisor_pointer self) {
  auto now = std::chrono::steady_clock::now();
  std::vector<call_summary> out;
  out.reserve(self->state.calls.size());
  for (const auto& [id, call] : self->state.calls) {
    const auto& r = *call.record;
    call_summary c;
    c.id = id;
    c.provider = std::string(to_string(r.call.provider));
    c.session_id = r.call.session_id;
    c.from = r.call.from;
    c.to = r.call.to;
    c.ai = self->state.env->ai_backend;
    c.simulated = r.call.simulated;
    c.state = std::string(to_string(r.phase.load()));
    c.worker = r.worker;
    c.age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - r.created).count();
    c.frames_in = r.frames_in.load();
    c.frames_out = r.frames_out.load();
    c.parameters = r.call.parameters;
    out.push_back(std::move(c));
  }
  return out;
}

supervisor_internal::behavior_type supervisor_behavior(supervisor_pointer self, call_env_ptr env) {
  self->state.env = env;
  self->state.per_worker.assign(static_cast<std::size_t>(env->workers < 1 ? 1 : env->workers), 0);
  self->state.waiting.assign(self->state.per_worker.size(), 0);
  self->state.am = env->metrics->for_actor("supervisor");
  self->state.am.live->add();
  self->attach_functor([am = self->state.am] { am.live->sub(); });
  // Shutdown: every call ends with the supervisor (their down messages no longer matter).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [id, call] : self->state.calls) self->send_exit(call.handle, msg.reason);
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.by_actor.find(msg.source);
    if (it == st.by_actor.end()) return;
    auto call_id = it->second;
    st.by_actor.erase(it);
    if (auto c = st.calls.find(call_id); c != st.calls.end()) {
      auto& r = *c->second.record;
      auto provider = std::string(to_string(r.call.provider));
      auto outcome = r.outcome.empty() ? std::string("crashed") : r.outcome;
      // A call actor that died without ending itself still leaves the books straight.
      if (r.phase.load() != call_phase::ending) {
        st.env->metrics->calls_active.with({provider, std::string(to_string(r.phase.load()))}).sub();
        spdlog::error("call={} actor died: {}", call_id, self->system().render(msg.reason));
      }
      auto label = outcome.substr(0, outcome.find(':'));
      st.env->metrics->calls_total.with({provider, label}).inc();
      if (!r.call.simulated.empty()) st.env->metrics->simulated_calls.with({provider, label}).inc();
      st.env->metrics->call_duration.with({provider})
          .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - r.created).count());
      if (!r.call.session_id.empty()) st.by_session.erase(r.call.session_id);
      --st.per_worker[static_cast<std::size_t>(r.worker)];
      if (!c->second.socket_sent) --st.waiting[static_cast<std::size_t>(r.worker)];
      st.env->homes->erase(call_id);
      if (st.env->cluster) st.env->cluster->released(call_id);
      st.calls.erase(c);
    }
  });
  return {
      [self](admit_atom, incoming_call& call) -> call_admission {
        self->state.am.handled->inc();
        return admit(self, call);
      },
      [self](hs_frame_atom, pending_socket& socket, std::string& frame) {
        self->state.am.handled->inc();
        on_handshake_frame(self, socket, frame, false);
      },
      [self](hs_binary_atom, pending_socket& socket, std::string& frame) {
        self->state.am.handled->inc();
        on_handshake_frame(self, socket, frame, true);
      },
      [self](hs_closed_atom, pending_socket& socket, std::string& reason) {
        self->state.am.handled->inc();
        spdlog::info("media socket closed before start remote={} reason={}", net::token{socket.channel->remote()},
                     net::quoted{reason});
        // A socket whose first frame is its only credential and never came (AudioSocket) is a refusal.
        if (socket.provider->traits().call_id_is_credential)
          self->state.env->metrics->media_refused.with({std::string(to_string(socket.provider)), "no_start"}).inc();
      },
      [self](hangup_atom, std::string& call_id, call_end& outcome) {
        self->state.am.handled->inc();
        if (const auto* call = find_call(self, call_id))
          self->send(call->handle, hangup_atom::value, std::move(outcome));
        else
          spdlog::info("hangup for unknown call={} ignored", net::token{call_id});
      },
      [self](event_atom, provider_event& ev) {
        auto& st = self->state;
        st.am.handled->inc();
        auto provider = std::string(to_string(ev.provider));
        const auto* call = find_call(self, ev.call_id);
        if (!call && !ev.session_id.empty()) call = find_call(self, ev.session_id);
        // Not ours: its owner may be another instance, which deduplicates it (a retry of an event
        // that could not be forwarded is forwarded again).
        if (!call && st.env->cluster && !ev.relayed) {
          st.env->cluster->forward_event(std::move(ev));
          return;
        }
        if (!first_delivery(self, ev.event_id)) {
          st.env->metrics->webhooks.with({provider, "duplicate"}).inc();
          return;
        }
        if (!call) {
          st.env->metrics->webhooks.with({provider, "unknown_call"}).inc();
          spdlog::info("event for unknown call={} ignored event_id={}", net::token{ev.call_id},
                       net::token{ev.event_id});
          return;
        }
        self->send(call->handle, event_atom::value, std::move(ev));
      },
      [self](calls_atom) -> std::vector<call_summary> {
        self->state.am.handled->inc();
        return calls_list(self);
      },
      [self](count_atom) -> std::uint64_t {
        self->state.am.handled->inc();
        return self->state.calls.size();
      },
      [self](drain_atom) {
        self->state.am.handled->inc();
        self->state.draining = true;
        spdlog::info("draining: new calls are refused; {} calls still live", self->state.calls.size());
      },
      [self](end_all_atom, call_end& outcome) {
        self->state.am.handled->inc();
        self->state.draining = true;
        for (auto& [id, call] : self->state.calls) self->send(call.handle, hangup_atom::value, outcome);
      },
  };
}

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, call_env_ptr env) {
  return sys.spawn(supervisor_behavior, std::move(env));
}

}  // namespace voxgate::actors
