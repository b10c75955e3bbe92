// Telnyx's two doors: Call Control webhooks (Ed25519-signed JSON) and the media socket, whose
// token rides in the URL path and in the x-telnyx-streaming-auth-token upgrade header.
#include <spdlog/spdlog.h>

#include "app/ask.hpp"
#include "app/gateway.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/http_client.hpp"
#include "net/log_value.hpp"
#include "net/telnyx/signature.hpp"
#include "net/telnyx/webhook.hpp"

namespace voxgate::app {

namespace {

constexpr std::string_view media_prefix = "/telnyx/media/";

std::optional<actors::call_event_kind> event_kind_of(net::telnyx::event_kind k) {
  using net::telnyx::event_kind;
  switch (k) {
    case event_kind::call_answered:
      return actors::call_event_kind::answered;
    case event_kind::call_hangup:
      return actors::call_event_kind::hangup;
    case event_kind::streaming_started:
      return actors::call_event_kind::stream_started;
    case event_kind::streaming_stopped:
      return actors::call_event_kind::stream_stopped;
    case event_kind::streaming_failed:
      return actors::call_event_kind::stream_failed;
    case event_kind::dtmf_received:
      return actors::call_event_kind::dtmf;
    case event_kind::call_initiated:
    case event_kind::other:
      break;
  }
  return std::nullopt;
}

}  // namespace

void gateway::add_telnyx_routes() {
  server_->route("POST", "/telnyx/webhook", [this](net::http_request req, net::responder respond) {
    auto& counter = metrics_.webhooks;
    if (!config_.telnyx_public_key.empty()) {
      auto check =
          net::telnyx::verify_signature(config_.telnyx_public_key, net::header_or(req.headers, "telnyx-timestamp"),
                                        net::header_or(req.headers, "telnyx-signature-ed25519"), req.body, net::unix_now());
      if (check != net::telnyx::signature_check::ok) {
        counter.with({"telnyx", std::string(net::telnyx::to_string(check))}).inc();
        spdlog::warn("telnyx webhook refused remote={} reason={}", req.remote, net::telnyx::to_string(check));
        respond(net::http_response::text(403, std::string(net::telnyx::to_string(check)) + "\n"));
        return;
      }
    }
    std::string why;
    auto event = net::telnyx::parse_webhook(req.body, &why);
    if (!event) {
      counter.with({"telnyx", "malformed"}).inc();
      spdlog::warn("telnyx webhook refused remote={} reason=\"{}\"", req.remote, why);
      respond(net::http_response::text(400, why + "\n"));
      return;
    }
    if (event->kind == net::telnyx::event_kind::call_initiated && event->direction == "incoming") {
      actors::incoming_call call;
      call.provider = actors::provider_kind::telnyx;
      call.call_id = event->call_control_id;
      call.session_id = event->call_session_id;
      call.from = event->from;
      call.to = event->to;
      std::string_view target = req.target;
      if (auto q = target.find('?'); q != std::string_view::npos)
        call.parameters = net::parse_form(target.substr(q + 1)).value_or(net::param_list{});
      call.media_format = config_.telnyx_codec;
      call.media_url = public_base_for(req.headers).ws_url(media_prefix);
      call.simulated = simulated_origin(req.headers);
      auto call_id = call.call_id;
      spdlog::info("call={} telnyx call.initiated from={} to={} session={}{}", net::token{call_id},
                   net::quoted{call.from}, net::quoted{call.to},
                   call.session_id, call.simulated.empty() ? "" : " simulated=" + call.simulated);
      auto admit = [this, respond, call_id, call = std::move(call)]() mutable {
      ask<actors::call_admission>(
          *system_, supervisor_, std::chrono::seconds(5),
          [this, respond, call_id](actors::call_admission a) {
            metrics_.webhooks.with({"telnyx", a.admitted ? "accepted" : "refused_" + a.reason}).inc();
            if (!a.admitted) metrics_.calls_refused.with({"telnyx", a.reason}).inc();
            if (!a.admitted && !config_.telnyx_api_key.empty()) {
              // Full or draining: turn the caller away before answering (they hear busy).
              net::http_client_request r;
              r.method = "POST";
              r.url = config_.telnyx_api_base + "/calls/" + net::percent_encode(call_id) + "/actions/reject";
              r.headers = {{"authorization", "Bearer " + config_.telnyx_api_key}, {"content-type", "application/json"}};
              r.body = R"({"cause":"USER_BUSY"})";
              r.tls = {config_.ca_file};
              net::http_fetch(*io_, std::move(r), [call_id](net::http_client_response res) {
                spdlog::info("call={} telnyx reject status={} {}", call_id, res.status, res.error);
              });
            }
            respond(net::http_response::text(200, "ok\n"));
          },
          [respond](std::string error) {
            spdlog::error("telnyx webhook: supervisor did not answer: {}", error);
            respond(net::http_response::text(503, "gateway busy\n"));
          },
          actors::admit_atom::value, std::move(call));
      };
      // A call.initiated delivered twice, here and to the instance that owns the call: it answers.
      claim_call("telnyx", call_id, std::move(admit), [respond](std::string) { respond(net::http_response::text(200, "ok\n")); });
      return;
    }
    auto kind = event_kind_of(event->kind);
    if (!kind) {
      // Unknown or uninteresting event types are acknowledged and counted, never an error.
      counter.with({"telnyx", "ignored"}).inc();
      respond(net::http_response::text(200, "ok\n"));
      return;
    }
    counter.with({"telnyx", "event"}).inc();
    actors::provider_event ev{actors::provider_kind::telnyx, event->id,    *kind, event->call_control_id,
                              event->call_session_id,        event->detail};
    caf::anon_send(supervisor_, actors::event_atom::value, std::move(ev));
    respond(net::http_response::text(200, "ok\n"));
  });

  server_->route_ws(std::string(media_prefix), [this](const net::http_request& req) {
    auto token = std::string(req.path().substr(media_prefix.size()));
    auto header = net::header_or(req.headers, "x-telnyx-streaming-auth-token");
    if (!header.empty() && !net::crypto::constant_time_equal(header, token))
      return net::upgrade_decision::refuse(403, "token_mismatch",
                                           "x-telnyx-streaming-auth-token differs from the URL's token");
    return accept_media_socket(actors::provider_kind::telnyx, token);
  });
}

}  // namespace voxgate::app
