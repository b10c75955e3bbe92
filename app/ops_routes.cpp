// Operator endpoints: liveness, readiness (false while draining), Prometheus metrics, live calls
// (these behind OPS_TOKEN: they name the callers).
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <optional>

#include <rapidjson/document.h>

#include "actors/ai/registry.hpp"
#include "app/ask.hpp"
#include "app/gateway.hpp"
#include "cluster/node.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/http_client.hpp"
#include "net/json.hpp"
#include "net/process_usage.hpp"

namespace voxgate::app {

namespace {

// The process_* series every Prometheus client library exports, under the same names and types, so
// that stock dashboards and alerts for any process work on this one.
std::string process_metrics() {
  auto p = net::own_figures();
  std::string out;
  auto series = [&out](const char* name, const char* type, const char* help, const std::string& value) {
    out +=
        std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value + "\n";
  };
  char cpu[32];
  std::snprintf(cpu, sizeof cpu, "%.2f", p.cpu_s);
  char start[32];
  std::snprintf(start, sizeof start, "%.2f", p.start_time_s);
  series("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu);
  series("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", std::to_string(p.resident_bytes));
  series("process_open_fds", "gauge", "Number of open file descriptors.", std::to_string(p.open_fds));
  series("process_max_fds", "gauge", "Maximum number of open file descriptors.", std::to_string(p.max_fds));
  series("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", start);
  return out;
}

// Every series a dashboard panel reads exists from the first scrape, at zero: a panel over a counter
// that never moved says "No data", which looks like a broken exporter. The label values are the ones
// the actors and routes use (outcomes, refusal reasons); only the common ones, so the set stays small.
void start_at_zero(actors::metrics_registry& m, const actors::ai::backend& ai, const net::providers::set& providers) {
  for (const auto& provider : providers.all()) {
    auto p = std::string(provider->name());
    for (const char* outcome :
         {"completed", "end_call", "ai_ended", "ai_failed", "no_media", "stream_failed", "provider_closed",
          "shutdown"}) {
      m.calls_total.with({p, outcome});
      m.simulated_calls.with({p, outcome});
    }
    for (const char* state : {"ringing", "streaming"}) m.calls_active.with({p, state});
    m.call_duration.with({p});
    for (const char* result : {"accepted", "malformed", "refused_capacity", "refused_draining", "refused_overload"})
      m.webhooks.with({p, result});
    for (const char* reason : {"capacity", "draining", "overload"}) m.calls_refused.with({p, reason});
    for (const char* reason : {"missing_token", "unknown_call", "already_streaming", "malformed_frame"})
      m.media_refused.with({p, reason});
    if (provider->traits().call_id_is_credential)  // the start is the socket's credential: it comes first
      for (const char* reason : {"no_start", "first_frame_not_start"}) m.media_refused.with({p, reason});
    for (auto check : {net::token_check::malformed, net::token_check::bad_signature, net::token_check::expired,
                       net::token_check::wrong_call})
      m.media_refused.with({p, std::string(net::to_string(check))});
    for (const char* direction : {"in", "out"}) m.frames.with({p, direction});
    for (const char* direction : {"out", "ai_overflow"}) m.frames_dropped.with({p, direction});
    m.barge_ins.with({p});
    m.bad_frames.with({p, "bad base64"});
  }
  for (const auto& provider : providers.all()) {
    auto p = std::string(provider->name());
    for (const auto& result : provider->webhook_results()) m.webhooks.with({p, result});
    auto upgrades = std::string(provider->media_path()) + "/<redacted>";
    m.upgrades.with({upgrades, "accepted", "ok"});
    for (const auto& label : provider->upgrade_refusals()) m.upgrades.with({upgrades, "refused", label});
  }
  m.frames_dropped.with({"ai", "in_held"});
  for (const char* reason : {"out_of_fds", "other"}) m.accept_errors.with({reason});
  m.ai_first_audio.with({ai.name});
  for (const auto& code : ai.error_codes) m.ai_errors.with({ai.name, code});
  if (!ai.error_codes.empty()) m.bad_frames.with({ai.name, "bad base64"});
  if (ai.billed_by_time) m.ai_session_seconds.with({ai.name});
  m.tool_calls.with({"end_call", "ok"});
  for (const auto& type : {std::string("call"), std::string("transcoder"), ai.actor}) {
    m.actors_live.with({type});
    m.actor_messages.with({type});
  }
}

// /calls: the live calls as JSON, one object each.
std::string calls_json(const std::vector<actors::call_summary>& calls) {
  std::string out = "[";
  for (const auto& c : calls) {
    if (out.size() > 1) out += ',';
    out += R"({"id":)" + net::json::quote(c.id);
    out += R"(,"provider":)" + net::json::quote(c.provider);
    if (!c.session_id.empty()) out += R"(,"session_id":)" + net::json::quote(c.session_id);
    out += R"(,"from":)" + net::json::quote(c.from);
    out += R"(,"to":)" + net::json::quote(c.to);
    out += R"(,"ai":)" + net::json::quote(c.ai);
    if (!c.simulated.empty()) out += R"(,"simulated":)" + net::json::quote(c.simulated);
    out += R"(,"state":)" + net::json::quote(c.state);
    out += R"(,"worker":)" + std::to_string(c.worker);
    out += R"(,"age_ms":)" + std::to_string(c.age_ms);
    out += R"(,"frames_in":)" + std::to_string(c.frames_in);
    out += R"(,"frames_out":)" + std::to_string(c.frames_out);
    out += R"(,"parameters":{)";
    bool first = true;
    for (const auto& [k, v] : c.parameters) {
      if (!first) out += ',';
      first = false;
      out += net::json::quote(k) + ":" + net::json::quote(v);
    }
    out += "}}";
  }
  return out + "]";
}

// GET /calls names the callers (numbers, parameters): it answers only a request that carries
// OPS_TOKEN as its bearer token. Without OPS_TOKEN it answers no one, and says how to turn it on.
struct ops_refusal {
  net::http_response response;
  const char* reason;  // voxgate_ops_requests_refused_total's label
};

std::optional<ops_refusal> refuse_ops(const std::string& token, const net::http_request& req) {
  if (token.empty())
    return ops_refusal{net::http_response::text(
                           403, "GET /calls lists callers' numbers and parameters: set OPS_TOKEN on the gateway, "
                                "then send Authorization: Bearer <OPS_TOKEN>\n"),
                       "unset"};
  auto refuse = [](std::string why, bool token_given) {
    auto r = net::http_response::text(401, std::move(why));
    r.headers.emplace_back("www-authenticate",
                           token_given ? R"(Bearer realm="voxgate", error="invalid_token")" : R"(Bearer realm="voxgate")");
    return ops_refusal{std::move(r), token_given ? "wrong_token" : "no_token"};
  };
  const auto* given = net::find_header(req.headers, "authorization");
  auto bearer = given ? net::bearer_token(*given) : std::nullopt;
  if (!bearer) return refuse("GET /calls needs Authorization: Bearer <OPS_TOKEN>\n", false);
  if (!net::crypto::same_secret(*bearer, token)) return refuse("the bearer token is not OPS_TOKEN\n", true);
  return std::nullopt;
}

}  // namespace

void gateway::add_ops_routes() {
  start_at_zero(metrics_, *actors::ai::find(env_->ai_backend), *providers_);
  metrics_.build_info.with({std::string(build_version)}).set(1);
  metrics_.max_calls.with({}).set(static_cast<std::int64_t>(config_.max_calls));
  metrics_.draining.with({}).set(0);
  for (const char* reason : {"unset", "no_token", "wrong_token"}) metrics_.ops_refused.with({reason});
  server_->route("GET", "/healthz",
                 [](net::http_request, net::responder respond) { respond(net::http_response::text(200, "ok\n")); });
  server_->route("GET", "/readyz", [this](net::http_request, net::responder respond) {
    respond(draining_ ? net::http_response::text(503, "draining\n") : net::http_response::text(200, "ready\n"));
  });
  server_->route("GET", "/metrics", [this](net::http_request, net::responder respond) {
    net::http_response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render() + process_metrics();
    respond(std::move(r));
  });
  server_->route("GET", "/calls", [this](net::http_request req, net::responder respond) {
    // A peer of the cluster asks for this instance's own calls with its own token (see cluster_calls),
    // here unless INTERNAL_PORT gives the peers a listener of their own; an instance without OPS_TOKEN
    // answers no one, peers included.
    bool peer = !internal_server_ && peer_asking_calls(req);
    if (!peer)
      if (auto refusal = refuse_ops(config_.ops_token, req)) {
        metrics_.ops_refused.with({refusal->reason}).inc();
        return respond(std::move(refusal->response));
      }
    if (!peer && req.target.find("scope=cluster") != std::string::npos) return cluster_calls(std::move(respond));
    own_calls(std::move(respond));
  });
  server_->route("GET", "/", [this](net::http_request req, net::responder respond) {
    auto base = public_base_for(req.headers);
    std::string page = "VoxGate: phone calls to realtime voice AI.\n";
    for (const auto& p : providers_->all())
      for (const auto& line : p->endpoints(base)) page += line + "\n";
    page += "Operators: /healthz /readyz /metrics /calls (with OPS_TOKEN)\n";
    respond(net::http_response::text(200, std::move(page)));
  });
}

bool gateway::peer_asking_calls(const net::http_request& req) const {
  return !config_.ops_token.empty() && cluster_ && cluster_->relays().from_peer_asking_calls(req);
}

void gateway::own_calls(net::responder respond) {
  ask<std::vector<actors::call_summary>>(
      *system_, supervisor_, std::chrono::seconds(2),
      [respond](std::vector<actors::call_summary> calls) {
        net::http_response r;
        r.content_type = "application/json";
        r.body = calls_json(calls);
        respond(std::move(r));
      },
      [respond](std::string error) { respond(net::http_response::text(503, error + "\n")); },
      actors::calls_atom::value);
}

// /calls?scope=cluster: every live instance's /calls, each under its INSTANCE_ADDR. An instance that
// does not answer in time is listed with its error; the list is never held up by one.
void gateway::cluster_calls(net::responder respond) {
  if (!cluster_) {
    respond(net::http_response::text(400, "scope=cluster: this instance is not in a cluster (REDIS_URL is not set)\n"));
    return;
  }
  struct gathering {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> parts;  // instance, its JSON member text
    std::size_t waiting = 0;
    std::size_t calls = 0;
    std::string error;
    net::responder respond;
    void add(std::string instance, std::string member, std::size_t n) {
      std::unique_lock lock(mutex);
      parts.emplace_back(std::move(instance), std::move(member));
      calls += n;
      if (--waiting > 0) return;
      std::sort(parts.begin(), parts.end());
      std::string body = R"({"calls":)" + std::to_string(calls) + R"(,"instances":[)";
      for (std::size_t i = 0; i < parts.size(); ++i)
        body += (i ? "," : "") + std::string(R"({"instance":)") + net::json::quote(parts[i].first) + "," +
                parts[i].second + "}";
      body += "]";
      if (!error.empty()) body += R"(,"error":)" + net::json::quote(error);
      body += "}";
      lock.unlock();
      net::http_response r;
      r.content_type = "application/json";
      r.body = std::move(body);
      respond(std::move(r));
    }
    // A /calls answer, checked: an array of calls, or the reason it is not one.
    void add_answer(std::string instance, const std::string& json) {
      rapidjson::Document d;
      if (!net::json::parse(d, json).empty() || !d.IsArray())
        return add(std::move(instance), R"("error":"its /calls answer is not a JSON array")", 0);
      add(std::move(instance), R"("calls":)" + json, d.Size());
    }
  };
  auto g = std::make_shared<gathering>();
  g->respond = std::move(respond);
  cluster_->calls().instances([this, g](std::vector<std::string> instances, std::string error) {
    const auto& self = cluster_->self();
    if (!error.empty()) g->error = "Redis is down (" + error + "): only this instance is listed";
    if (std::find(instances.begin(), instances.end(), self) == instances.end()) instances.push_back(self);
    g->waiting = instances.size();
    for (const auto& instance : instances) {
      if (instance == self) {
        ask<std::vector<actors::call_summary>>(
            *system_, supervisor_, std::chrono::seconds(2),
            [g, instance](std::vector<actors::call_summary> calls) { g->add_answer(instance, calls_json(calls)); },
            [g, instance](std::string e) { g->add(instance, R"("error":)" + net::json::quote(e), 0); },
            actors::calls_atom::value);
        continue;
      }
      net::http_client_request r;
      r.url = "http://" + instance + "/calls";
      r.headers = cluster_->relays().calls_request_headers(instance);  // not OPS_TOKEN: that stays here
      r.timeout = std::chrono::seconds(2);
      net::http_fetch(*io_, std::move(r), [g, instance](net::http_client_response res) {
        if (!res.ok())
          return g->add(instance,
                        R"("error":)" + net::json::quote(res.error.empty() ? "status " + std::to_string(res.status)
                                                                            : res.error),
                        0);
        g->add_answer(instance, res.body);
      });
    }
  });
}

}  // namespace voxgate::app
