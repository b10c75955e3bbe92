#include "tests/fakes/fake_telnyx.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <future>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "tools/sim/telnyx_caller.hpp"

namespace voxgate::fakes {

fake_telnyx::fake_telnyx() {
  player_ = std::make_shared<mark_player>([channel = channel_](const std::string& name) {
    if (!*channel) return;
    (*channel)->send_text(sim::telnyx::mark_echo("S1", name));
  });
  rest_.on("POST", "/v2/calls/", [](const net::http_request&) {
    net::http_response r;
    r.content_type = "application/json";
    r.body = R"({"data":{"result":"ok"}})";
    return r;
  });
  io_.start();
}

fake_telnyx::~fake_telnyx() {
  // Hang up with a close frame and let the handshake finish before the loop stops: stopping at once
  // left the gateway's side of the socket open, waiting out its close timeout.
  if (*channel_) {
    (*channel_)->close("test over");
    received_->wait_closed(std::chrono::seconds(1));
  }
  player_->stop();  // no mark echoed into a loop that has stopped
  io_.stop();
  // The socket's sink holds the player, whose echo holds the channel: break the cycle.
  channel_->reset();
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
  return fetch_sync(io_, std::move(req));
}

std::string fake_telnyx::open_media(const std::string& stream_url, const std::string& auth_token) {
  return open_provider_socket(io_, gateway_, stream_url, {{"x-telnyx-streaming-auth-token", auth_token}}, received_,
                              player_, channel_);
}

void fake_telnyx::send(std::string frame) {
  if (*channel_) (*channel_)->send_text(std::move(frame));
}

void fake_telnyx::send_start(const std::string& ccid, const std::string& session, const std::string& encoding) {
  send(sim::telnyx::connected_message());
  send(sim::telnyx::start_message("S1", ++sequence_, ccid, session, encoding));
}

void fake_telnyx::send_media(int chunk, const std::string& raw_audio) {
  send(sim::telnyx::media_message("S1", ++sequence_, static_cast<std::uint64_t>(chunk), raw_audio));
}

void fake_telnyx::send_stop() { send(sim::telnyx::stop_message("S1", ++sequence_)); }

}  // namespace voxgate::fakes
