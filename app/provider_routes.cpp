// Every provider's doors into the gateway, the same for each: its webhook (signature checked, parsed,
// a new call admitted or refused, an event routed to its call) and its media socket (the upgrade
// checked by the provider, the call's token verified, the socket moved to its call's worker).
#include <spdlog/spdlog.h>

#include "app/ask.hpp"
#include "app/gateway.hpp"
#include "net/call_token.hpp"
#include "net/log_value.hpp"

namespace voxgate::app {

void gateway::add_provider_routes(actors::provider_ptr p) {
  auto webhook = [this, p](net::http_request req, net::responder respond) {
    auto name = std::string(p->name());
    auto& counter = metrics_.webhooks;
    auto base = public_base_for(req.headers);
    if (auto refused = p->verify(req, base, net::unix_now())) {
      counter.with({name, refused->label}).inc();
      spdlog::warn("{} webhook refused remote={} reason={} detail={}", name, req.remote, refused->label,
                   net::quoted{refused->reason});
      respond(net::http_response::text(refused->status, refused->label + "\n"));
      return;
    }
    std::string why;
    auto hook = p->parse(req, base, &why);
    if (!hook) {
      counter.with({name, "malformed"}).inc();
      spdlog::warn("{} webhook refused remote={} reason={}", name, req.remote, net::quoted{why});
      respond(net::http_response::text(400, why + "\n"));
      return;
    }
    if (auto* event = std::get_if<net::providers::call_event>(&*hook)) {
      counter.with({name, "event"}).inc();
      actors::provider_event ev;
      static_cast<net::providers::call_event&>(ev) = std::move(*event);
      ev.provider = p;
      caf::anon_send(supervisor_, actors::event_atom::value, std::move(ev));
      respond(net::http_response::text(200, "ok\n"));
      return;
    }
    auto* announced = std::get_if<net::providers::new_call>(&*hook);
    if (!announced) {
      // Unknown or uninteresting event types are acknowledged and counted, never an error.
      counter.with({name, "ignored"}).inc();
      respond(net::http_response::text(200, "ok\n"));
      return;
    }
    actors::incoming_call call;
    static_cast<net::providers::new_call&>(call) = std::move(*announced);
    call.provider = p;
    call.simulated = simulated_origin(req.headers);
    spdlog::info("call={} {} webhook from={} to={}{} stream_url={}<token>{}", net::token{call.call_id}, name,
                 net::quoted{call.from}, net::quoted{call.to},
                 call.session_id.empty() ? "" : " session=" + call.session_id, net::token{call.media_url},
                 call.simulated.empty() ? "" : " simulated=" + call.simulated);
    net::providers::new_call facts = call;  // kept for the answer: `call` moves into the request
    auto admit = [this, p, respond, facts, call = std::move(call)]() mutable {
      ask<actors::call_admission>(
          *system_, supervisor_, std::chrono::seconds(5),
          [this, p, respond, facts](actors::call_admission a) {
            auto name = std::string(p->name());
            if (!a.admitted) {
              metrics_.webhooks.with({name, "refused_" + a.reason}).inc();
              metrics_.calls_refused.with({name, a.reason}).inc();
              if (auto reject = p->reject(facts)) {
                auto id = facts.call_id;
                env_->fetch(std::move(*reject), [p, id](net::http_client_response r) { p->judge(id, "reject", r); });
              }
              respond(p->refuse(facts));
              return;
            }
            metrics_.webhooks.with({name, "accepted"}).inc();
            respond(p->admit(facts, a.token));
          },
          [p, respond](std::string error) {
            spdlog::error("{} webhook: supervisor did not answer: {}", p->name(), error);
            respond(net::http_response::text(503, "gateway busy\n"));
          },
          actors::admit_atom::value, std::move(call));
    };
    // A webhook retried onto another instance: that instance has the call, and this answer sends the
    // media there (through whichever instance it reaches) with a token of the same secret.
    auto elsewhere = [this, p, respond, facts](std::string) {
      respond(p->admit(facts, net::mint_call_token(config_.token_secret, facts.call_id,
                                                   env_->unix_now() + env_->token_ttl_seconds)));
    };
    claim_call(name, facts.call_id, std::move(admit), std::move(elsewhere));
  };
  for (auto method : p->webhook_methods()) server_->route(std::string(method), std::string(p->webhook_path()), webhook);
  if (!p->events_path().empty()) server_->route("POST", std::string(p->events_path()), webhook);

  auto media = [this, p](const net::http_request& req) {
    auto checked = p->check_upgrade(req, public_base_for(req.headers));
    if (auto* refused = std::get_if<net::providers::refusal>(&checked))
      return net::upgrade_decision::refuse(refused->status, refused->label, refused->reason);
    return accept_media_socket(p, std::move(std::get<std::string>(checked)));
  };
  // The per-call path; the bare path too where the token can come in the stream's start instead.
  server_->route_ws(std::string(p->media_path()) + "/", media);
  if (p->traits().token_in_start) server_->route_ws(std::string(p->media_path()), media);
}

}  // namespace voxgate::app
