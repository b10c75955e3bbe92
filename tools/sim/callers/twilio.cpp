// Twilio's caller (tools/sim/caller.hpp): the signed voice webhook, the <Connect><Stream> TwiML, the
// signed media upgrade, and Twilio's media-stream messages (tools/sim/twilio_caller.hpp).
#include "codecs/base64.hpp"
#include "net/providers/twilio/signature.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim {
namespace {

class twilio_call final : public caller {
 public:
  explicit twilio_call(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "twilio"; }
  std::string_view call_id() const override { return call_sid_; }
  std::string_view credential_setting() const override {
    return "TWILIO_AUTH_TOKEN (and signatures cover its PUBLIC_URL)";
  }

  provider_request webhook() override {
    provider_request r{"POST", "/twilio/voice", {}, {}};
    auto form = twilio::voice_webhook_form(call_sid_);
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {std::string(simulated_header), settings_.tool}};
    if (!settings_.credential.empty())
      r.headers.emplace_back("X-Twilio-Signature", net::twilio::compute_signature(
                                                       settings_.credential, settings_.public_url + r.target, form));
    r.body = net::encode_form(form);
    return r;
  }

  call_answer read_answer(unsigned status, std::string_view, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    auto stream = twilio::parse_stream_instruction(body);
    if (!stream)
      return {call_answer::kind::refused, {}, "webhook answered without <Stream> (refused: at capacity or draining?)"};
    if (stream->url.find('?') != std::string::npos)
      return {call_answer::kind::refused,
              {},
              "the Stream url has a query string, which Twilio drops: per-call data must travel in <Parameter>s"};
    call_answer a{call_answer::kind::socket, {stream->url, {}}, {}};
    if (!settings_.credential.empty())
      a.socket.headers.emplace_back("X-Twilio-Signature",
                                    net::twilio::compute_signature(settings_.credential, stream->url, {}));
    parameters_ = std::move(stream->parameters);
    return a;
  }

  std::vector<provider_frame> opening() override {
    return {{twilio::connected_message()}, {twilio::start_message(stream_sid_, call_sid_, parameters_)}};
  }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    payload_.clear();
    codecs::base64::encode_append(mulaw, payload_);
    ++chunk_;
    twilio::append_media_message(out, stream_sid_, ++sequence_, chunk_, payload_);
    return false;
  }
  std::optional<provider_frame> dtmf(char digit) override {
    return provider_frame{twilio::dtmf_message(stream_sid_, ++sequence_, std::string(1, digit))};
  }
  provider_frame mark_played(std::string_view name) override { return {twilio::mark_echo(stream_sid_, name)}; }
  provider_frame stop() override { return {twilio::stop_message(stream_sid_, ++sequence_, call_sid_)}; }

  gateway_message read(std::string& text, bool) override { return read_json_event(text); }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    return codecs::base64::decode(payload, out);
  }

 private:
  caller_settings settings_;
  std::string call_sid_ = twilio::random_sid("CA");
  std::string stream_sid_ = twilio::random_sid("MZ");
  net::param_list parameters_;  // the TwiML's <Parameter>s, for start
  std::uint64_t sequence_ = 1;  // start is message 1
  std::uint64_t chunk_ = 0;
  std::string payload_;
};

}  // namespace

std::unique_ptr<caller> make_twilio_caller(const caller_settings& s) { return std::make_unique<twilio_call>(s); }

}  // namespace voxgate::sim
