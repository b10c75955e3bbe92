#include "tests/fakes/fake_twilio.hpp"

#include <rapidjson/document.h>

#include <future>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/ws_client.hpp"
#include "tests/fakes/http_peer.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::fakes {

fake_twilio::fake_twilio(std::string gateway, std::string public_url, std::string auth_token)
    : gateway_(std::move(gateway)), public_url_(std::move(public_url)), auth_token_(std::move(auth_token)) {
  player_ = std::make_shared<mark_player>([channel = channel_, sid = stream_sid_](const std::string& name) {
    if (*channel) (*channel)->send_text(sim::twilio::mark_echo(sid, name));
  });
  io_.start();
}

fake_twilio::~fake_twilio() {
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

net::http_client_response fake_twilio::post_voice_webhook(const std::string& call_sid, const std::string& query,
                                                          bool sign) {
  auto form = sim::twilio::voice_webhook_form(call_sid);
  std::string target = "/twilio/voice" + (query.empty() ? "" : "?" + query);
  net::http_client_request req;
  req.method = "POST";
  req.url = gateway_ + target;
  req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  if (sign)
    req.headers.emplace_back("x-twilio-signature",
                             net::twilio::compute_signature(auth_token_, public_url_ + target, form));
  req.body = net::encode_form(form);
  return fetch_sync(io_, std::move(req));
}

std::string fake_twilio::open_media(const twiml_stream& stream, bool sign) {
  net::header_list headers;
  if (sign) headers.emplace_back("x-twilio-signature", net::twilio::compute_signature(auth_token_, stream.url, {}));
  return open_provider_socket(io_, gateway_, stream.url, std::move(headers), received_, player_, channel_);
}

void fake_twilio::send(std::string frame) {
  if (*channel_) (*channel_)->send_text(std::move(frame));
}

void fake_twilio::send_connected() { send(sim::twilio::connected_message()); }

void fake_twilio::send_start(const std::string& call_sid, const net::param_list& custom_parameters) {
  ++sequence_;
  send(sim::twilio::start_message(stream_sid_, call_sid, custom_parameters));
}

void fake_twilio::send_media(const std::string& raw_audio) {
  ++sequence_;
  send(sim::twilio::media_message(stream_sid_, static_cast<std::uint64_t>(sequence_),
                                  static_cast<std::uint64_t>(sequence_), raw_audio));
}

void fake_twilio::send_dtmf(const std::string& digit) {
  send(sim::twilio::dtmf_message(stream_sid_, static_cast<std::uint64_t>(++sequence_), digit));
}

void fake_twilio::send_stop(const std::string& call_sid) {
  send(sim::twilio::stop_message(stream_sid_, static_cast<std::uint64_t>(++sequence_), call_sid));
}

void fake_twilio::hang_up_socket() {
  if (*channel_) (*channel_)->close("caller hung up");
}

}  // namespace voxgate::fakes
