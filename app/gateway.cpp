#include "app/gateway.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <thread>

#include "actors/ai/registry.hpp"
#include "actors/engine.hpp"
#include "actors/socket_sinks.hpp"
#include "actors/supervisor.hpp"
#include "app/log_format.hpp"
#include "cluster/node.hpp"
#include "codecs/base64.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/http_client.hpp"
#include "net/log_value.hpp"
#include "net/redis/client.hpp"
#include "net/cpus.hpp"
#include "net/ws_client.hpp"

namespace voxgate::app {

void setup_logging(const config& c) {
  auto logger = spdlog::stdout_color_mt("voxgate");
  if (c.log_format == "json")
    logger->set_formatter(json_log_formatter());
  else
    logger->set_formatter(text_log_formatter());
  logger->set_level(spdlog::level::from_str(c.log_level));
  spdlog::set_default_logger(logger);
}

std::string simulated_origin(const net::header_list& headers) {
  auto v = net::header_or(headers, "x-voxgate-simulated");
  if (v.empty()) return {};
  for (std::string_view tool : {"probe", "call", "load"})
    if (v == tool) return std::string(tool);
  return "other";
}

namespace {

// What this process may really use (affinity, cgroup quota), not the host's core count.
int cores() {
  static const int usable = net::usable_cpus(net::read_cpu_limits());
  return usable;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "localhost";
  return name;
}

}  // namespace

gateway::gateway(config c) : config_(std::move(c)) {
  if (!config_.public_url.empty()) {
    std::string why;
    configured_base_ = net::public_base_from_config(config_.public_url, &why);
    if (!configured_base_) throw std::invalid_argument(why);
  }
  if (config_.token_secret.empty()) config_.token_secret = net::crypto::random_bytes(32);

  providers_ = std::make_unique<net::providers::set>(config_.provider_settings);
  io_ = std::make_unique<net::io_runtime>(config_.workers > 0 ? config_.workers : cores());
  caf_config_ = std::make_unique<caf::actor_system_config>();
  actors::run_actors_on(*caf_config_, *io_);
  caf_config_->set("logger.file-verbosity", caf::atom("quiet"));
  caf_config_->set("logger.console-verbosity", caf::atom("quiet"));
  system_ = std::make_unique<caf::actor_system>(*caf_config_);

  net::http_server_options server_options;
  server_options.host = config_.host;
  server_options.port = config_.port;
  server_ = std::make_unique<net::http_server>(*io_, server_options);
  if (config_.internal_port != 0 && !config_.redis_url.empty()) {
    net::http_server_options internal = server_options;
    internal.port = static_cast<std::uint16_t>(config_.internal_port);
    internal_server_ = std::make_unique<net::http_server>(*io_, internal);
  }

  const auto* backend = actors::ai::find(config_.effective_backend());
  if (!backend) throw std::invalid_argument("AI_BACKEND: expected " + actors::ai::names());
  auto env = std::make_shared<actors::call_env>();
  env->metrics = &metrics_;
  env->ai_backend = backend->name;
  env->agent.instructions = config_.agent_instructions;
  env->agent.tools_json = config_.agent_tools;
  env->agent.greet_first = config_.agent_greets_first;
  env->tool_webhook_url = config_.tool_webhook_url;
  env->tool_timeout = std::chrono::milliseconds(config_.tool_timeout_ms);
  env->token_secret = config_.token_secret;
  env->max_calls = config_.max_calls;
  env->workers = io_->workers();
  env->overload_lag = std::chrono::milliseconds(config_.overload_lag_ms);
  env->loop_lag = [io = io_.get()](int w) { return io->loop_lag(w); };
  env->overload_busy = config_.overload_busy_percent / 100.0;
  env->loop_busy = [io = io_.get()](int w) { return io->loop_busy(w); };
  io_->on_loop_probe([this](int w, std::chrono::microseconds lag, double busy) {
    auto worker = std::to_string(w);
    metrics_.loop_lag.with({worker}).observe(static_cast<double>(lag.count()) / 1e6);
    metrics_.loop_busy.with({worker}).set(std::lround(busy * 100));
  });
  net::io_runtime* io = io_.get();
  net::tls_settings tls{config_.ca_file};
  env->fetch = [io, tls](net::http_client_request r, std::function<void(net::http_client_response)> done) {
    r.tls = tls;
    net::http_fetch(*io, std::move(r), std::move(done));
  };
  // The AI backend, set up once; each call gets its session from it.
  actors::ai::process_context ai_process;
  ai_process.metrics = &metrics_;
  ai_process.tls = tls;
  ai_process.setup_timeout = std::chrono::milliseconds(config_.ai_setup_timeout_ms);
  ai_process.values = config_.ai_settings;
  ai_process.connect = [io](net::ws_connect_options o, std::shared_ptr<net::ws_sink> sink,
                            std::function<void(net::ws_channel_ptr, std::string)> done) {
    net::ws_connect(*io, std::move(o), std::move(sink), std::move(done));
  };
  auto ai = backend->start(ai_process);
  env->make_ai = std::move(ai.spawn);
  env->ai_format_for = std::move(ai.format_for);
  env->ai_turn_silence = ai.turn_silence;
  if (ai.playout_lead_ms) env->playout_lead_ms = *ai.playout_lead_ms;
  if (!config_.redis_url.empty()) {
    cluster::node_settings cs;
    cs.redis = *net::redis::parse_url(config_.redis_url, nullptr);  // checked with the settings
    cs.self = config_.instance_address(host_name());
    cs.secret = config_.token_secret;
    cs.ttl = std::chrono::milliseconds(config_.cluster_ttl_ms);
    cs.providers = [providers = providers_.get()](std::string_view name) { return providers->find(name); };
    // A socket a peer carries here enters through the same door as one of our own.
    auto on_open = [this](net::ws_channel_ptr channel, actors::provider_ptr provider, std::string token) {
      auto sink = actors::media_door(supervisor_, provider, std::move(token));
      sink->bind(channel);
      return std::shared_ptr<net::ws_sink>(sink);
    };
    auto on_event = [this](actors::provider_event ev) {
      caf::anon_send(supervisor_, actors::event_atom::value, std::move(ev));
    };
    cluster_ = std::make_unique<cluster::node>(*io_, metrics_, std::move(cs), on_open, on_event);
    env->cluster = cluster_->hooks();
  }
  env_ = env;
  supervisor_ = actors::spawn_supervisor(*system_, env_);

  for (auto* server : {server_.get(), internal_server_.get()}) {
    if (!server) continue;
    server->on_upgrade_attempt([this](const net::upgrade_attempt& a) {
      metrics_.upgrades.with({a.path, a.accepted ? "accepted" : "refused", a.label}).inc();
    });
    server->on_accept_error(
        [this](std::string_view reason) { metrics_.accept_errors.with({std::string(reason)}).inc(); });
  }
  for (const auto& p : providers_->all()) {
    add_provider_routes(p.get());
    if (auto where = p->tcp_media()) add_tcp_media(p.get(), *where);
  }
  add_ops_routes();
  if (cluster_) add_cluster_routes();
}

gateway::~gateway() { stop(); }

void gateway::add_tcp_media(actors::provider_ptr p, const net::providers::tcp_listener& where) {
  net::tcp_media_options o;
  o.name = std::string(p->name());
  o.host = where.host;
  o.port = where.port;
  o.goodbye = p->media().build_hangup();
  auto on_accept = [this, p](net::ws_channel_ptr channel) {
    auto sink = actors::media_door(supervisor_, p, {});
    sink->bind(channel);
    return std::shared_ptr<net::ws_sink>(sink);
  };
  tcp_media_.emplace_back(p, std::make_unique<net::tcp_media_listener>(*io_, std::move(o), std::move(on_accept)));
}

std::uint16_t gateway::tcp_media_port(std::string_view provider) const {
  for (const auto& [p, listener] : tcp_media_)
    if (p->name() == provider) return listener->port();
  return 0;
}

net::upgrade_decision gateway::accept_media_socket(actors::provider_ptr provider, std::string upgrade_token) {
  int worker = -1;
  if (!upgrade_token.empty()) {
    std::string call_id;
    auto check = net::verify_call_token(config_.token_secret, upgrade_token, "", env_->unix_now(), &call_id);
    if (check != net::token_check::ok)
      return net::upgrade_decision::refuse(403, std::string(net::to_string(check)), "media token refused");
    worker = env_->homes->find(call_id);
  }
  auto sink = actors::media_door(supervisor_, provider, std::move(upgrade_token));
  net::upgrade_decision d;
  d.accept = true;
  d.sink = sink;
  d.on_open = [sink](net::ws_channel_ptr channel) { sink->bind(channel); };
  d.name_call_in_log = true;  // the supervisor reports the line when the start names the call
  d.worker = worker;
  return d;
}

void gateway::claim_call(std::string_view provider, const std::string& call_id, std::function<void()> admit,
                         std::function<void(std::string owner)> elsewhere) {
  if (!cluster_) return admit();
  cluster_->calls().claim(call_id, [this, provider = std::string(provider), call_id, admit = std::move(admit),
                                    elsewhere = std::move(elsewhere)](cluster::claim_result r, std::string owner) {
    switch (r) {
      case cluster::claim_result::claimed:
      case cluster::claim_result::ours:
        return admit();
      case cluster::claim_result::down:
        spdlog::warn(
            "call={} redis down: admitted on this instance alone; its media is served only if it "
            "reaches this instance too error={}",
            net::token{call_id}, net::quoted{owner});
        return admit();
      case cluster::claim_result::taken:
        metrics_.webhooks.with({provider, "owned_elsewhere"}).inc();
        spdlog::info("call={} {} webhook retried here: owner={} has the call", net::token{call_id}, provider,
                     net::token{owner.empty() ? "-" : owner});
        return elsewhere(std::move(owner));
    }
  });
}

// The doors only the other instances use: on INTERNAL_PORT when it is set, else on PORT beside the
// providers' (each behind the instances' token either way).
void gateway::add_cluster_routes() {
  auto& door = internal_server_ ? *internal_server_ : *server_;
  door.route_ws(std::string(cluster::relay::path),
                [this](const net::http_request& req) { return cluster_->relays().accept(req); });
  if (!internal_server_) return;  // a peer's GET /calls comes to the operators' route (add_ops_routes)
  metrics_.ops_refused.with({"not_peer"});  // beside the operators' reasons (add_ops_routes), from the first scrape
  door.route("GET", "/calls", [this](net::http_request req, net::responder respond) {
    if (!peer_asking_calls(req)) {
      // Without OPS_TOKEN no one is answered, peers included: that is the operators' "unset".
      metrics_.ops_refused.with({config_.ops_token.empty() ? "unset" : "not_peer"}).inc();
      return respond(net::http_response::text(401, "this port answers the other instances only\n"));
    }
    own_calls(std::move(respond));
  });
}

std::string gateway::start() {
  if (auto err = server_->start(); !err.empty()) return err;
  if (internal_server_) {
    if (auto err = internal_server_->start(); !err.empty()) return "INTERNAL_PORT: " + err;
    spdlog::info("the other instances' listener (relay, /calls) on {}:{}", config_.host, internal_server_->port());
  }
  for (auto& [p, listener] : tcp_media_) {
    if (auto err = listener->start(); !err.empty()) return err;
    spdlog::info("{} media listening on tcp {}:{}", p->name(), p->tcp_media()->host, listener->port());
  }
  io_->start();
  if (cluster_) {
    cluster_->start();
    spdlog::info("cluster: instance={} redis={} ttl_ms={}", cluster_->self(),
                 net::redis::parse_url(config_.redis_url, nullptr)->host, config_.cluster_ttl_ms);
  }
  for (const auto& p : providers_->all())
    for (const auto& warning : p->warnings()) spdlog::warn("{}", warning);
  if (!configured_base_)
    spdlog::warn(
        "PUBLIC_URL is not set: the public URL will be derived from each request's proxy headers "
        "(X-Forwarded-Proto/X-Forwarded-Host/Host). Set PUBLIC_URL=https://your.host to be sure.");
  spdlog::info("voxgate listening on {}:{} ai={} max_calls={} usable_cpus={} workers={}", config_.host, port(),
               env_->ai_backend, config_.max_calls, cores(), io_->workers());
  return {};
}

net::public_base gateway::public_base_for(const net::header_list& headers) {
  if (configured_base_) return *configured_base_;
  auto base = net::derive_public_base(headers, false);
  if (!derived_logged_.exchange(true))
    spdlog::warn("public URL was derived url={} how={}: if providers cannot reach it, set PUBLIC_URL",
                 net::token{base.http}, net::quoted{base.how});
  return base;
}

std::uint64_t gateway::live_calls() {
  caf::scoped_actor self{*system_};
  std::uint64_t n = 0;
  self->request(supervisor_, std::chrono::seconds(5), actors::count_atom::value)
      .receive([&](std::uint64_t count) { n = count; }, [&](caf::error&) {});
  return n;
}

// A call's hang-up is sent again after 1, 2 and 4 s when the provider fails it (actors/call.cpp): a
// stop waits out every try, so a Telnyx call is not left on a silent line because the API failed
// for a few seconds. Only such requests are waited for that long (a tool call is not).
constexpr auto last_requests_grace = std::chrono::seconds(8);

// Calls still up when the loops stop would be cut with no close frame: the caller and the AI would
// both see 1006. End them while the loops run, and give the close handshakes a moment; their last
// REST requests (a hang-up and its tries) get a little longer.
void gateway::end_calls(std::chrono::milliseconds grace) {
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + grace;
  if (cluster_) {
    // The calls first, their relayed sockets closing with their own close frames; then the relay's
    // connections (the sockets carried for other instances' calls close with them), and the
    // directory after the calls' entries are released.
    caf::anon_send(supervisor_, actors::end_all_atom::value, actors::call_end{actors::outcome::shutdown, {}});
    while (std::chrono::steady_clock::now() < deadline && live_calls() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cluster_->stop();
  }
  // A call's last REST requests are waited for too: a Telnyx call ended here is hung up over REST.
  auto busy = [this] {
    return live_calls() > 0 || net::open_ws_connections() > 0 || net::http_requests_in_flight() > 0;
  };
  if (!busy()) return;
  caf::anon_send(supervisor_, actors::end_all_atom::value, actors::call_end{actors::outcome::shutdown, {}});
  while (std::chrono::steady_clock::now() < deadline && busy()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (auto left = net::open_ws_connections(); left > 0)
    spdlog::warn("shutdown: {} WebSocket connections did not finish their close in {} ms", left, grace.count());
  auto requests_deadline = started + std::max<std::chrono::milliseconds>(grace, last_requests_grace);
  if (net::http_retried_requests_in_flight() > 0)
    spdlog::info("shutdown: waiting up to {} ms for {} hang-ups still being tried",
                 std::chrono::duration_cast<std::chrono::milliseconds>(requests_deadline - started).count(),
                 net::http_retried_requests_in_flight());
  while (std::chrono::steady_clock::now() < requests_deadline && net::http_retried_requests_in_flight() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (auto left = net::http_requests_in_flight(); left > 0)
    spdlog::warn(
        "shutdown: {} outbound HTTP requests (provider commands, tool calls) still unanswered after {} ms", left,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
}

std::uint64_t gateway::drain(std::chrono::seconds timeout) {
  draining_ = true;
  metrics_.draining.with({}).set(1);
  caf::anon_send(supervisor_, actors::drain_atom::value);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Sockets carried here for calls owned elsewhere are waited for too: their calls are live.
  auto carrying = [this] { return cluster_ ? cluster_->relays().carrying() : 0; };
  std::uint64_t live = live_calls() + carrying();
  while (live > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    live = live_calls() + carrying();
  }
  return live;
}

void gateway::stop() {
  if (stopped_.exchange(true)) return;
  server_->stop();
  if (internal_server_) internal_server_->stop();  // the relay links already open stay (cluster_->stop())
  for (auto& [p, listener] : tcp_media_) listener->stop();
  io_->start();  // the actors run on the workers: a gateway that never started needs them to end
  // Longer than the close deadline: every close has then finished, answered or cut, before the
  // loops stop (stopping on the deadline's heels raced the sockets' own shutdown).
  end_calls(net::ws_close_timeout + std::chrono::seconds(1));
  // Ends what is left of the calls, on the workers, and waits for them; then the loops stop. The
  // system goes last: the workers' abandoned handlers are only freed with the runtime, after it.
  caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
  system_->await_all_actors_done();
  io_->stop();
  system_.reset();
}

}  // namespace voxgate::app
