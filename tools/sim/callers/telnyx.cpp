// Telnyx's caller (tools/sim/caller.hpp): the Ed25519-signed call.initiated webhook; the gateway's
// answer comes as a Call Control command at the tool's fake API (tools/sim/call_control_api.hpp),
// whose stream_url and token open the media socket; then Telnyx's media-streaming messages
// (tools/sim/telnyx_caller.hpp), and call.answered, streaming.started and call.hangup as they happen.
#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "tools/sim/call_control_api.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/telnyx_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim {
namespace {

class telnyx_call final : public caller {
 public:
  explicit telnyx_call(const caller_settings& s) : settings_(s) {
    if (!s.credential.empty()) key_ = telnyx::signing_key::from_pem(s.credential, &key_problem_);
  }

  std::string_view provider() const override { return "telnyx"; }
  std::string_view call_id() const override { return call_control_id_; }
  std::string_view credential_setting() const override {
    return "TELNYX_PUBLIC_KEY: the public half of the private key given here";
  }
  std::string credential_problem() const override {
    return key_problem_.empty() ? std::string() : "not an Ed25519 private key: " + key_problem_;
  }
  bool answers_by_api() const override { return true; }

  provider_request webhook() override { return event("call.initiated"); }

  call_answer read_answer(unsigned status, std::string_view, std::string_view) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    return waiting();  // the answer is a Call Control command
  }

  call_answer poll_answer() override {
    if (!settings_.api) return {call_answer::kind::refused, {}, "no Call Control API to receive the answer"};
    auto command = settings_.api->take(call_control_id_, {"answer", "streaming_start", "reject"});
    if (!command) return waiting();
    if (command->action == "reject")
      return {call_answer::kind::refused, {}, "the gateway rejected the call (at capacity or draining?)"};
    rapidjson::Document d;
    if (!net::json::parse(d, command->body).empty() || !d.IsObject())
      return {call_answer::kind::refused, {}, "the gateway's " + command->action + " command is not JSON"};
    std::string url(net::json::string_or(d, "stream_url"));
    if (url.empty())
      return {call_answer::kind::refused, {}, "the gateway's " + command->action + " command has no stream_url"};
    return {call_answer::kind::socket,
            {url, {{"x-telnyx-streaming-auth-token", std::string(net::json::string_or(d, "stream_auth_token"))}}},
            {}};
  }

  std::optional<media_socket> made_up_socket() const override {
    return media_socket{"/telnyx/media/voxgate-probe-not-a-token",
                        {{"x-telnyx-streaming-auth-token", "voxgate-probe-not-a-token"}}};
  }

  std::optional<provider_request> notice(moment m) override {
    switch (m) {
      case moment::answered:
        return event("call.answered");
      case moment::streaming:
        return event("streaming.started");
      case moment::hung_up:
        return event("call.hangup");
    }
    return std::nullopt;
  }

  std::vector<provider_frame> opening() override {
    return {{telnyx::connected_message()},
            {telnyx::start_message(stream_id_, 1, call_control_id_, session_id_, "PCMU")}};
  }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    payload_.clear();
    codecs::base64::encode_append(mulaw, payload_);
    ++chunk_;
    telnyx::append_media_message(out, stream_id_, ++sequence_, chunk_, payload_);
    return false;
  }
  std::optional<provider_frame> dtmf(char) override { return std::nullopt; }  // call.dtmf.received instead
  provider_frame mark_played(std::string_view name) override { return {telnyx::mark_echo(stream_id_, name)}; }
  provider_frame stop() override { return {telnyx::stop_message(stream_id_, ++sequence_)}; }

  gateway_message read(std::string& text, bool) override { return read_json_event(text); }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    return codecs::base64::decode(payload, out);
  }

 private:
  call_answer waiting() const {
    auto base = "http://127.0.0.1:" + std::to_string(settings_.api ? settings_.api->port() : 0) + "/v2";
    return {call_answer::kind::pending,
            {},
            "no answer command from the gateway: start it with TELNYX_API_BASE=" + base +
                " (and any TELNYX_API_KEY) so that its Call Control commands reach this tool"};
  }

  provider_request event(std::string_view type) {
    provider_request r{"POST", "/telnyx/webhook", {}, {}};
    r.body = telnyx::webhook_event(call_control_id_ + "-evt-" + std::to_string(++events_), type, call_control_id_,
                                   session_id_);
    auto timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    r.headers = {{"Content-Type", "application/json"},
                 {"telnyx-timestamp", timestamp},
                 {std::string(simulated_header), settings_.tool}};
    if (key_) r.headers.emplace_back("telnyx-signature-ed25519", key_->signature_for(timestamp, r.body));
    return r;
  }

  caller_settings settings_;
  std::optional<telnyx::signing_key> key_;
  std::string key_problem_;
  std::string call_control_id_ = "v3:" + twilio::random_sid("call");
  std::string session_id_ = twilio::random_sid("session-");
  std::string stream_id_ = twilio::random_sid("stream-");
  int events_ = 0;
  std::uint64_t sequence_ = 1;  // start is message 1
  std::uint64_t chunk_ = 0;
  std::string payload_;
};

}  // namespace

std::unique_ptr<caller> make_telnyx_caller(const caller_settings& s) { return std::make_unique<telnyx_call>(s); }

}  // namespace voxgate::sim
