#include "tests/fakes/fake_telnyx.hpp"

#include <chrono>

#include "tools/sim/telnyx_caller.hpp"

namespace voxgate::fakes {

fake_telnyx::fake_telnyx() : media_([](const std::string& name) { return sim::telnyx::mark_echo("S1", name); }) {
  rest_.on("POST", "/v2/calls/", [failing = failing_hangups_](const net::http_request& req) {
    net::http_response r;
    r.content_type = "application/json";
    if (req.path().ends_with("/actions/hangup") && failing->fetch_sub(1) > 0) {
      r.status = 503;
      r.body = R"({"errors":[{"code":"90061","title":"Service unavailable","detail":"try again"}]})";
      return r;
    }
    r.body = R"({"data":{"result":"ok"}})";
    return r;
  });
}

std::string fake_telnyx::start_rest() { return rest_.start(); }

net::http_client_response fake_telnyx::post_event(const std::string& event_id, const std::string& type,
                                                  const std::string& ccid, const std::string& session,
                                                  const std::string& payload_extra, bool sign) {
  std::string body = sim::telnyx::webhook_event(event_id, type, ccid, session, payload_extra);
  auto ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  net::http_client_request req;
  req.method = "POST";
  req.url = gateway_ + "/telnyx/webhook";
  req.headers.emplace_back("content-type", "application/json");
  req.headers.emplace_back("telnyx-timestamp", ts);
  req.headers.emplace_back("telnyx-signature-ed25519", sign ? signer_.signature_for(ts, body) : std::string(88, 'A'));
  req.body = body;
  return fetch_sync(media_.io(), std::move(req));
}

std::string fake_telnyx::open_media(const std::string& stream_url, const std::string& auth_token) {
  return media_.open(gateway_, stream_url, {{"x-telnyx-streaming-auth-token", auth_token}});
}

void fake_telnyx::send(std::string frame) { media_.send(std::move(frame)); }

void fake_telnyx::send_start(const std::string& ccid, const std::string& session, const std::string& encoding) {
  send(sim::telnyx::connected_message());
  send(sim::telnyx::start_message("S1", ++sequence_, ccid, session, encoding));
}

void fake_telnyx::send_media(int chunk, const std::string& raw_audio) {
  send(sim::telnyx::media_message("S1", ++sequence_, static_cast<std::uint64_t>(chunk), raw_audio));
}

void fake_telnyx::send_stop() { send(sim::telnyx::stop_message("S1", ++sequence_)); }

}  // namespace voxgate::fakes
