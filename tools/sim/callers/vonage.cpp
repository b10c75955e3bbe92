// Vonage's caller (tools/sim/caller.hpp): the answer webhook (GET, its query signed in an HS256 JWT with
// the signature secret), the NCCO read as Vonage reads it (tools/sim/vonage_wire), websocket:connected
// with the NCCO's headers, then binary 16-bit PCM in exact 20 ms frames at the NCCO's rate, which this
// caller makes from and into the tools' μ-law at 8 kHz. Vonage sends no stop: its hang-up is the socket
// closing, and the caller leg's `completed` event (notice(moment::hung_up)) says so to the gateway.
#include <algorithm>

#include "codecs/g711.hpp"
#include "codecs/pcm16.hpp"
#include "codecs/resampler.hpp"
#include "net/http_client.hpp"
#include "net/json.hpp"
#include "net/url.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/ids.hpp"
#include "tools/sim/vonage_wire.hpp"

namespace voxgate::sim {
namespace {

constexpr std::uint32_t tool_rate = 8000;  // the tools' μ-law

class vonage_caller final : public caller {
 public:
  explicit vonage_caller(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "vonage"; }
  std::string_view call_id() const override { return uuid_; }
  std::string_view credential_setting() const override { return "VONAGE_SIGNATURE_SECRET"; }

  provider_request webhook() override {
    net::param_list params{{"to", to_}, {"from", from_}, {"uuid", uuid_}, {"conversation_uuid", "CON-" + uuid_}};
    provider_request r{"GET", "/vonage/voice?" + net::encode_form(params), {}, {}};
    r.headers = {{std::string(simulated_header), settings_.tool}};
    // A GET's payload_hash covers its query as a compact JSON object.
    if (auto a = signed_as(vonage::query_payload(params)); !a.empty()) r.headers.emplace_back("Authorization", a);
    return r;
  }

  call_answer read_answer(unsigned status, std::string_view content_type, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    net::http_client_response r;
    r.status = status;
    r.headers = {{"content-type", std::string(content_type)}};
    r.body = std::string(body);
    auto n = vonage::read_ncco(r);
    if (!n.error.empty()) return {call_answer::kind::refused, {}, "Vonage would drop the call: " + n.error};
    if (!n.connects) return {call_answer::kind::refused, {}, "the NCCO connects no websocket (it only talks)"};
    content_type_ = n.content_type;
    headers_json_ = n.headers_json;
    frame_samples_ = n.frame_bytes / 2;
    rate_ = static_cast<std::uint32_t>(frame_samples_ * 50);
    up_ = codecs::resampler(tool_rate, rate_);
    down_ = codecs::resampler(rate_, tool_rate);
    return {call_answer::kind::socket, {n.uri, {}}, {}};  // the token is in the uri's path
  }

  // A caller leg's end: what tells the gateway the caller hung up, beside the socket closing.
  std::optional<provider_request> notice(moment m) override {
    if (m != moment::hung_up) return std::nullopt;
    auto body = vonage::event_json(uuid_, uuid_, "completed");
    provider_request r{"POST", "/vonage/events", {{"Content-Type", "application/json"}}, body};
    if (auto a = signed_as(body); !a.empty()) r.headers.emplace_back("Authorization", a);
    return r;
  }

  std::vector<provider_frame> opening() override { return {{vonage::connected_message(content_type_, headers_json_)}}; }

  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    linear_.resize(mulaw.size());
    for (std::size_t i = 0; i < mulaw.size(); ++i) linear_[i] = codecs::g711::ulaw_to_linear(mulaw[i]);
    if (up_.passthrough()) {
      pending_.insert(pending_.end(), linear_.begin(), linear_.end());
    } else {
      up_.process_append(linear_, pending_);
    }
    // Vonage's frames are exactly 20 ms: a resampler that gives a few samples short at first is padded
    // with silence ahead of them, and a surplus waits for the next frame.
    if (pending_.size() < frame_samples_) pending_.insert(pending_.begin(), frame_samples_ - pending_.size(), 0);
    auto at = out.size();
    out.resize(at + frame_samples_ * 2);
    auto* bytes = reinterpret_cast<std::uint8_t*>(out.data() + at);
    for (std::size_t i = 0; i < frame_samples_; ++i) codecs::pcm16::store_le(pending_[i], bytes + 2 * i);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(frame_samples_));
    return true;
  }

  std::optional<provider_frame> dtmf(char digit) override { return provider_frame{vonage::dtmf_message(digit)}; }
  // The notify's payload echoed: the gateway's is {"mark":name}.
  provider_frame mark_played(std::string_view name) override {
    return {vonage::notify_message(R"({"mark":)" + net::json::quote(name) + "}")};
  }
  // A clear is answered with websocket:cleared; the notifies it dropped are not answered (the fake's default).
  std::vector<provider_frame> cleared(const std::vector<std::string>&) override {
    return {{vonage::cleared_message()}};
  }
  // Nothing: Vonage's hang-up is the socket closing (caller.hpp).
  provider_frame stop() override { return {}; }

  gateway_message read(std::string& text, bool binary) override {
    if (binary) return {gateway_message::kind::media, text, {}};
    net::json::insitu_document doc;  // the mark's name is a view into `text`
    if (!doc.parse(text).empty()) return {gateway_message::kind::invalid, {}, {}};
    auto action = net::json::string_or(doc.root(), "action");
    if (action == "clear") return {gateway_message::kind::clear, {}, {}};
    const auto* payload = action == "notify" ? net::json::member(doc.root(), "payload") : nullptr;
    auto mark = payload && payload->IsObject() ? net::json::string_of(*payload, "mark") : std::nullopt;
    if (!mark) return {gateway_message::kind::other, {}, {}};
    return {gateway_message::kind::mark, {}, *mark};
  }

  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    if (payload.empty() || payload.size() % 2) return std::nullopt;
    samples_.resize(payload.size() / 2);
    for (std::size_t i = 0; i < samples_.size(); ++i)
      samples_[i] =
          static_cast<std::int16_t>(static_cast<unsigned char>(payload[2 * i]) |
                                    (static_cast<unsigned>(static_cast<unsigned char>(payload[2 * i + 1])) << 8));
    std::span<const std::int16_t> narrow = samples_;
    if (!down_.passthrough()) {
      resampled_.resize(down_.max_output(samples_.size()));
      narrow = std::span<const std::int16_t>(resampled_.data(), down_.process(samples_, resampled_));
    }
    for (std::size_t i = 0; i < narrow.size(); ++i) out[i] = codecs::g711::linear_to_ulaw(narrow[i]);
    return narrow.size();
  }

 private:
  std::string signed_as(const std::string& payload) const {
    return vonage::webhook_authorization(settings_.credential, api_key_, application_id_, payload,
                                         vonage::signing::valid);
  }

  caller_settings settings_;
  std::string uuid_ = random_uuid();
  std::string to_ = "442079460000";
  std::string from_ = "447700900000";
  std::string api_key_ = "abcd1234";
  std::string application_id_ = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  std::string content_type_ = "audio/l16;rate=16000";
  std::string headers_json_ = "{}";
  std::size_t frame_samples_ = 320;
  std::uint32_t rate_ = 16000;
  codecs::resampler up_{tool_rate, 16000};
  codecs::resampler down_{16000, tool_rate};
  std::vector<std::int16_t> linear_, pending_, samples_, resampled_;
};

}  // namespace

std::unique_ptr<caller> make_vonage_caller(const caller_settings& s) { return std::make_unique<vonage_caller>(s); }

}  // namespace voxgate::sim
