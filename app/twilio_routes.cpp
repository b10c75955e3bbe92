// Twilio's two doors into the gateway: the voice webhook (answered with TwiML) and the media socket.
#include <spdlog/spdlog.h>

#include "app/ask.hpp"
#include "app/gateway.hpp"
#include "net/call_token.hpp"
#include "net/log_value.hpp"
#include "net/twilio/signature.hpp"
#include "net/twilio/twiml.hpp"
#include "net/twilio/webhook.hpp"
#include "net/url.hpp"

namespace voxgate::app {

namespace {

// Each call's Stream url is /twilio/media/<token>: Twilio keeps the path (it drops only a query), so
// the upgrade names its call before the handshake and the socket goes to the call's worker. The bare
// path still works, with the token in <Parameter> only (TwiML written before this change).
constexpr std::string_view media_path = "/twilio/media";

net::http_response twiml(std::string body) {
  net::http_response r;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

net::param_list query_params(const net::http_request& req) {
  std::string_view target = req.target;
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  return net::parse_form(target.substr(q + 1)).value_or(net::param_list{});
}

}  // namespace

void gateway::add_twilio_routes() {
  server_->route("POST", "/twilio/voice", [this](net::http_request req, net::responder respond) {
    auto& counter = metrics_.webhooks;
    auto base = public_base_for(req.headers);
    std::string why;
    auto hook = net::twilio::parse_voice_webhook(req.body, &why);
    if (!config_.twilio_auth_token.empty()) {
      auto form = net::parse_form(req.body).value_or(net::param_list{});
      auto url = base.http_url(req.target);
      if (!net::twilio::verify_signature(config_.twilio_auth_token, url, form,
                                         net::header_or(req.headers, "x-twilio-signature"))) {
        counter.with({"twilio", "bad_signature"}).inc();
        spdlog::warn(
            "twilio webhook refused remote={} reason=bad_signature url_checked={} (is PUBLIC_URL what Twilio calls?)",
            req.remote, url);
        respond(net::http_response::text(403, "signature check failed\n"));
        return;
      }
    }
    if (!hook) {
      counter.with({"twilio", "malformed"}).inc();
      spdlog::warn("twilio webhook refused remote={} reason=\"{}\"", req.remote, why);
      respond(net::http_response::text(400, why + "\n"));
      return;
    }
    actors::incoming_call call;
    call.provider = actors::provider_kind::twilio;
    call.call_id = hook->call_sid;
    call.from = hook->from;
    call.to = hook->to;
    call.parameters = query_params(req);
    call.simulated = simulated_origin(req.headers);
    auto stream_base = base.ws_url(media_path);
    auto parameters = call.parameters;
    auto call_id = call.call_id;  // copied before `call` is moved into the request below
    spdlog::info("call={} twilio webhook from={} to={} stream_url={}/<token>{}", net::token{call.call_id},
                 net::quoted{call.from}, net::quoted{call.to}, stream_base,
                 call.simulated.empty() ? "" : " simulated=" + call.simulated);
    // The TwiML that connects the media socket, with the call's token in its path and parameters.
    auto connect = [stream_base, parameters, call_id](const std::string& token) {
      net::param_list stream_params{{"callSid", call_id}, {"token", token}};
      for (auto& p : parameters)
        if (p.first != "token" && p.first != "callSid") stream_params.push_back(p);
      return twiml(net::twilio::connect_stream(stream_base + "/" + token, stream_params));
    };
    auto admit = [this, respond, connect, call_id, call = std::move(call)]() mutable {
    ask<actors::call_admission>(
        *system_, supervisor_, std::chrono::seconds(5),
        [this, respond, connect, call_id](actors::call_admission a) mutable {
          if (!a.admitted) {
            metrics_.webhooks.with({"twilio", "refused_" + a.reason}).inc();
            metrics_.calls_refused.with({"twilio", a.reason}).inc();
            respond(twiml(net::twilio::say_and_hangup(
                "We're sorry, all of our agents are busy right now. Please call again in a few minutes.")));
            return;
          }
          metrics_.webhooks.with({"twilio", "accepted"}).inc();
          respond(connect(a.token));
        },
        [respond](std::string error) {
          spdlog::error("twilio webhook: supervisor did not answer: {}", error);
          respond(net::http_response::text(503, "gateway busy\n"));
        },
        actors::admit_atom::value, std::move(call));
    };
    // A webhook Twilio retried onto another instance: that instance has the call, and this answer
    // sends the media there (through whichever instance it reaches) with a token of the same secret.
    auto elsewhere = [this, respond, connect, call_id](std::string) {
      respond(connect(net::mint_call_token(config_.token_secret, call_id, env_->unix_now() + env_->token_ttl_seconds)));
    };
    claim_call("twilio", call_id, std::move(admit), std::move(elsewhere));
  });

  auto media = [this](const net::http_request& req) {
    auto path = req.path();
    if (!config_.twilio_auth_token.empty()) {
      // Twilio signs the wss:// URL exactly as written in the TwiML, with no parameters.
      auto url = public_base_for(req.headers).ws_url(path);
      auto sig = net::header_or(req.headers, "x-twilio-signature");
      if (!net::twilio::verify_signature(config_.twilio_auth_token, url, {}, sig))
        return sig.empty()
                   ? net::upgrade_decision::refuse(403, "missing_signature", "no X-Twilio-Signature header")
                   : net::upgrade_decision::refuse(
                         403, "bad_signature",
                         "X-Twilio-Signature does not match " + public_base_for(req.headers).ws_url(media_path) +
                             "/... (is PUBLIC_URL right?)");
    }
    auto token = path == media_path ? std::string() : std::string(path.substr(media_path.size() + 1));
    return accept_media_socket(actors::provider_kind::twilio, std::move(token));
  };
  server_->route_ws(std::string(media_path), media);
  server_->route_ws(std::string(media_path) + "/", media);
}

}  // namespace voxgate::app
