// Exotel's caller (tools/sim/caller.hpp): the Voicebot applet's GET for the stream URL (Basic auth
// with the applet URL's user:password), the stream opened with that user info as Basic auth, and
// Exotel's messages (tools/sim/exotel_caller.hpp) carrying PCM16 at 8 kHz, which this caller turns
// from and into the tools' μ-law.
#include <rapidjson/document.h>

#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "net/json.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/exotel_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim {
namespace {

class exotel_caller final : public caller {
 public:
  explicit exotel_caller(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "exotel"; }
  std::string_view call_id() const override { return call_sid_; }
  std::string_view credential_setting() const override { return "EXOTEL_STREAM_AUTH (user:password)"; }

  provider_request webhook() override {
    provider_request r{"GET", "/exotel/voice?" + net::encode_form(exotel::dial_query(call_sid_)), {}, {}};
    r.headers = {{std::string(simulated_header), settings_.tool}};
    if (!settings_.credential.empty())
      r.headers.emplace_back("Authorization", "Basic " + codecs::base64::encode(settings_.credential));
    return r;
  }

  call_answer read_answer(unsigned status, std::string_view, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    rapidjson::Document d;
    if (!net::json::parse(d, std::string(body)).empty() || !d.IsObject())
      return {call_answer::kind::refused, {}, "the applet's answer is not JSON"};
    std::string url(net::json::string_or(d, "url"));
    if (url.empty()) return {call_answer::kind::refused, {}, "the applet's answer has no url"};
    parameters_ = exotel::custom_parameters(url);
    auto [user_info, bare] = exotel::split_user_info(url);
    call_answer a{call_answer::kind::socket, {bare, {}}, {}};
    if (!user_info.empty())
      a.socket.headers.emplace_back("Authorization", "Basic " + codecs::base64::encode(user_info));
    return a;
  }

  std::vector<provider_frame> opening() override {
    return {{exotel::connected_message()},
            {exotel::start_message(++sequence_, stream_sid_, call_sid_, parameters_, 8000, false)}};
  }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    ulaw_to_pcm16_le(mulaw, pcm_);
    ++chunk_;
    out += exotel::media_message(++sequence_, stream_sid_, chunk_, (chunk_ - 1) * 20, pcm_, false);
    return false;
  }
  std::optional<provider_frame> dtmf(char digit) override {
    return provider_frame{exotel::dtmf_message(++sequence_, stream_sid_, digit, 100, false)};
  }
  provider_frame mark_played(std::string_view name) override {
    return {exotel::mark_echo(++sequence_, stream_sid_, name, false)};
  }
  // What Exotel does with marks pending at a clear is undocumented; its fake's default drops them.
  std::vector<provider_frame> cleared(const std::vector<std::string>&) override { return {}; }
  provider_frame stop() override {
    return {exotel::stop_message(++sequence_, stream_sid_, call_sid_, "callended", false)};
  }

  gateway_message read(std::string& text, bool) override { return read_json_event(text); }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    decoded_.resize(codecs::base64::max_decoded_size(payload.size()));
    auto n = codecs::base64::decode(payload, decoded_.data());
    if (!n || *n % 2) return std::nullopt;
    for (std::size_t i = 0; i < *n / 2; ++i)
      out[i] = codecs::g711::linear_to_ulaw(
          static_cast<std::int16_t>(decoded_[2 * i] | (static_cast<unsigned>(decoded_[2 * i + 1]) << 8)));
    return *n / 2;
  }

 private:
  caller_settings settings_;
  std::string call_sid_ = twilio::random_sid("");
  std::string stream_sid_ = twilio::random_sid("");
  net::param_list parameters_;  // the stream URL's query, for start.custom_parameters
  std::uint64_t sequence_ = 0;
  std::uint64_t chunk_ = 0;
  std::string pcm_;
  std::vector<std::uint8_t> decoded_;
};

}  // namespace

std::unique_ptr<caller> make_exotel_caller(const caller_settings& s) { return std::make_unique<exotel_caller>(s); }

}  // namespace voxgate::sim
