#include "tests/fakes/fake_telnyx.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <future>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/telnyx/caller.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"

namespace voxgate::fakes {

fake_telnyx::fake_telnyx() {
  player_ = std::make_shared<mark_player>([channel = channel_](const std::string& name) {
    if (!*channel) return;
    std::string echo = R"({"event":"mark","stream_id":"S1","mark":{"name":)";
    net::json::append_string(echo, name);
    echo += "}}";
    (*channel)->send_text(std::move(echo));
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
  if (*channel_) (*channel_)->close("test over");
  io_.stop();
}

std::string fake_telnyx::start_rest() { return rest_.start(); }

net::http_client_response fake_telnyx::post_event(const std::string& event_id, const std::string& type,
                                                  const std::string& ccid, const std::string& session,
                                                  const std::string& payload_extra, bool sign) {
  std::string body = net::telnyx::webhook_event(event_id, type, ccid, session, payload_extra);
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
  send(R"({"event":"connected","version":"1.0.0"})");
  send(R"({"event":"start","sequence_number":")" + std::to_string(++sequence_) +
       R"(","stream_id":"S1","start":{"user_id":"u1","call_control_id":)" + net::json::quote(ccid) +
       R"(,"call_session_id":)" + net::json::quote(session) +
       R"(,"from":"+13125550100","to":"+13125550199","client_state":null,"media_format":{"encoding":")" + encoding +
       R"(","sample_rate":8000,"channels":1}}})");
}

void fake_telnyx::send_media(int chunk, const std::string& raw_audio) {
  send(R"({"event":"media","sequence_number":")" + std::to_string(++sequence_) +
       R"(","media":{"track":"inbound","chunk":")" + std::to_string(chunk) + R"(","timestamp":")" +
       std::to_string(chunk * 20) + R"(","payload":")" + codecs::base64::encode(raw_audio) + R"("},"stream_id":"S1"})");
}

void fake_telnyx::send_stop() {
  send(R"({"event":"stop","sequence_number":")" + std::to_string(++sequence_) + R"(","stream_id":"S1","stop":{}})");
}

}  // namespace voxgate::fakes
