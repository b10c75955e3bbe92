// Asterisk AudioSocket's caller (tools/sim/caller.hpp): the dialplan's CURL of /audiosocket/voice
// (Authorization: Bearer <AUDIOSOCKET_SECRET>), whose answer is the call's UUID; then AudioSocket()
// dialling the gateway's AUDIOSOCKET_PORT over plain TCP: the UUID frame, slin 8 kHz frames of 20 ms,
// DTMF frames (tools/sim/audiosocket_wire.hpp). No marks and no clear: the gateway paces its audio.
// The caller hangs up by closing the socket, as Asterisk does.
#include "codecs/g711.hpp"
#include "net/url.hpp"
#include "tools/sim/audiosocket_wire.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/ids.hpp"

namespace voxgate::sim {
namespace {

using namespace audiosocket;

class audiosocket_caller final : public caller {
 public:
  explicit audiosocket_caller(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "audiosocket"; }
  // The gateway's call id once it answered (the UUID its log lines carry); Asterisk's channel until then.
  std::string_view call_id() const override { return uuid_.empty() ? channel_ : uuid_; }
  std::string_view credential_setting() const override { return "AUDIOSOCKET_SECRET"; }

  provider_request webhook() override {
    provider_request r{"GET", "/audiosocket/voice?" + net::encode_form({{"from", "+15550100"}, {"to", "100"}}), {}, {}};
    r.headers = {{std::string(simulated_header), settings_.tool}};
    if (!settings_.credential.empty()) r.headers.emplace_back("Authorization", "Bearer " + settings_.credential);
    return r;
  }

  // ${CURL(...)}: the body is the UUID for AudioSocket(), or the dialplan goes to its refusal.
  call_answer read_answer(unsigned status, std::string_view, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    if (!uuid_bytes(body))
      return {call_answer::kind::refused, {}, "the answer is not a UUID for AudioSocket() (refused: at capacity?)"};
    if (settings_.media_port == 0)
      return {call_answer::kind::refused,
              {},
              "the answer names no media port: give the gateway's AUDIOSOCKET_PORT (--media-port)"};
    uuid_ = body;
    auto host = net::parse_url(settings_.public_url);
    call_answer a{call_answer::kind::socket, {}, {}};
    a.socket.over = media_socket::transport::tcp;
    a.socket.port = settings_.media_port;
    a.socket.url = "tcp://" + (host ? host->host : std::string("gateway")) + ":" + std::to_string(a.socket.port);
    return a;
  }

  std::vector<provider_frame> opening() override { return {{tlv(kind_uuid, *uuid_bytes(uuid_)), true}}; }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    ulaw_to_pcm16_le(mulaw, pcm_);
    append_tlv(out, kind_slin8, pcm_);
    return true;
  }
  std::optional<provider_frame> dtmf(char digit) override {
    return provider_frame{tlv(kind_dtmf, std::string_view(&digit, 1)), true};
  }
  // The gateway sends no marks: never asked.
  provider_frame mark_played(std::string_view) override { return {{}, true}; }
  // Asterisk sends nothing: the socket's close is the hang-up.
  provider_frame stop() override { return {{}, true}; }

  std::size_t frame_size(std::string_view buffered) const override { return tlv_size(buffered); }

  gateway_message read(std::string& frame, bool) override {
    if (tlv_size(frame) != frame.size()) return {gateway_message::kind::invalid, {}, {}};
    auto kind = static_cast<std::uint8_t>(frame[0]);
    std::string_view payload(frame.data() + 3, frame.size() - 3);
    if (kind == kind_hangup) return {gateway_message::kind::other, {}, {}};  // the gateway's close follows
    if (kind != kind_slin8 || payload.empty() || payload.size() % 2) return {gateway_message::kind::invalid, {}, {}};
    // Digital silence is the gateway's filler while its AI says nothing (a paced line is never left
    // dry), not audio the AI said: the tools time and compare only what the AI sent.
    if (payload.find_first_not_of('\0') == std::string_view::npos) return {gateway_message::kind::other, {}, {}};
    return {gateway_message::kind::media, payload, {}};
  }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    if (payload.size() % 2) return std::nullopt;
    for (std::size_t i = 0; i < payload.size() / 2; ++i)
      out[i] = codecs::g711::linear_to_ulaw(
          static_cast<std::int16_t>(static_cast<unsigned char>(payload[2 * i]) |
                                    (static_cast<unsigned>(static_cast<unsigned char>(payload[2 * i + 1])) << 8)));
    return payload.size() / 2;
  }

 private:
  caller_settings settings_;
  std::string channel_ = "PJSIP/voxgate-sim-" + random_hex_id("").substr(0, 8);  // until the UUID is known
  std::string uuid_;
  std::string pcm_;
};

}  // namespace

std::unique_ptr<caller> make_audiosocket_caller(const caller_settings& s) {
  return std::make_unique<audiosocket_caller>(s);
}

}  // namespace voxgate::sim
