#include "tests/fakes/fake_twilio.hpp"

#include "net/providers/twilio/signature.hpp"
#include "tests/fakes/http_peer.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::fakes {

fake_twilio::fake_twilio(std::string gateway, std::string public_url, std::string auth_token)
    : gateway_(std::move(gateway)),
      public_url_(std::move(public_url)),
      auth_token_(std::move(auth_token)),
      media_([sid = stream_sid_](const std::string& name) { return sim::twilio::mark_echo(sid, name); }) {}

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
  return fetch_sync(media_.io(), std::move(req));
}

std::string fake_twilio::open_media(const twiml_stream& stream, bool sign) {
  net::header_list headers;
  if (sign) headers.emplace_back("x-twilio-signature", net::twilio::compute_signature(auth_token_, stream.url, {}));
  return media_.open(gateway_, stream.url, std::move(headers));
}

void fake_twilio::send(std::string frame) { media_.send(std::move(frame)); }

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

void fake_twilio::hang_up_socket() { media_.hang_up("caller hung up"); }

}  // namespace voxgate::fakes
