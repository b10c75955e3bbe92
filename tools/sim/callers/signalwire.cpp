// SignalWire's caller (tools/sim/caller.hpp): the voice webhook signed with the Signing Key, the cXML
// answer read as SignalWire reads it, the unsigned media upgrade, and SignalWire's media-stream
// messages (tools/sim/signalwire_caller.hpp).
#include "codecs/base64.hpp"
#include "net/providers/twilio/signature.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/signalwire_caller.hpp"

namespace voxgate::sim {
namespace {

class signalwire_call final : public caller {
 public:
  explicit signalwire_call(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "signalwire"; }
  std::string_view call_id() const override { return call_sid_; }
  std::string_view credential_setting() const override {
    return "SIGNALWIRE_SIGNING_KEY (and signatures cover its PUBLIC_URL)";
  }

  provider_request webhook() override {
    provider_request r{"POST", "/signalwire/voice", {}, {}};
    auto form = signalwire::voice_webhook_form(call_sid_);
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {std::string(simulated_header), settings_.tool}};
    if (!settings_.credential.empty())
      r.headers.emplace_back(
          "X-SignalWire-Signature",
          net::twilio::compute_signature(settings_.credential, settings_.public_url + r.target, form));
    r.body = net::encode_form(form);
    return r;
  }

  call_answer read_answer(unsigned status, std::string_view, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    std::string why;
    auto stream = signalwire::read_cxml_answer(body, why, settings_.insecure_local);
    if (!stream) return {call_answer::kind::refused, {}, "SignalWire would not stream this answer: " + why};
    parameters_ = std::move(stream->parameters);
    return {call_answer::kind::socket, {stream->url, {}}, {}};  // SignalWire signs no upgrade
  }

  std::vector<provider_frame> opening() override {
    return {{signalwire::connected_message()}, {signalwire::start_message(stream_sid_, call_sid_, parameters_)}};
  }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    out += signalwire::media_message(++sequence_, ++chunk_,
                                     std::string_view(reinterpret_cast<const char*>(mulaw.data()), mulaw.size()));
    return false;
  }
  std::optional<provider_frame> dtmf(char digit) override {
    return provider_frame{signalwire::dtmf_message(stream_sid_, ++sequence_, std::string(1, digit))};
  }
  provider_frame mark_played(std::string_view name) override { return {signalwire::mark_echo(stream_sid_, name)}; }
  provider_frame stop() override { return {signalwire::stop_message(++sequence_)}; }

  gateway_message read(std::string& text, bool) override { return read_json_event(text); }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    return codecs::base64::decode(payload, out);
  }

 private:
  caller_settings settings_;
  std::string call_sid_ = signalwire::random_uuid();
  std::string stream_sid_ = signalwire::random_uuid();
  net::param_list parameters_;  // the cXML's <Parameter>s, for start
  std::uint64_t sequence_ = 1;  // start is message 1
  std::uint64_t chunk_ = 0;
};

}  // namespace

std::unique_ptr<caller> make_signalwire_caller(const caller_settings& s) {
  return std::make_unique<signalwire_call>(s);
}

}  // namespace voxgate::sim
