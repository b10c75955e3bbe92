// Plivo's caller (tools/sim/caller.hpp): the signed answer_url POST, the <Stream> XML read as Plivo
// reads it, the signed media upgrade, and Plivo's Audio Streaming messages (tools/sim/plivo_caller.hpp):
// checkpoints answered with playedStream, clearAudio with clearedAudio (cleared checkpoints never are).
#include "codecs/base64.hpp"
#include "net/url.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/plivo_caller.hpp"

namespace voxgate::sim {
namespace {

const json_event_names plivo_events{"playAudio", "checkpoint", "clearAudio", true};

class plivo_caller final : public caller {
 public:
  explicit plivo_caller(const caller_settings& s) : settings_(s) {}

  std::string_view provider() const override { return "plivo"; }
  std::string_view call_id() const override { return call_uuid_; }
  std::string_view credential_setting() const override {
    return "PLIVO_AUTH_TOKEN (and signatures cover its PUBLIC_URL)";
  }

  provider_request webhook() override {
    provider_request r{"POST", "/plivo/voice", {}, {}};
    auto form = plivo::answer_form(call_uuid_);
    r.headers = plivo::signed_headers(settings_.credential, "POST", settings_.public_url + r.target, form);
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    r.headers.emplace_back(std::string(simulated_header), settings_.tool);
    r.body = net::encode_form(form);
    return r;
  }

  call_answer read_answer(unsigned status, std::string_view, std::string_view body) override {
    if (status != 200) return {call_answer::kind::refused, {}, "webhook answered " + std::to_string(status)};
    auto stream = plivo::parse_stream_instruction(body);
    if (!stream)
      return {call_answer::kind::refused, {}, "the answer holds no <Stream> (refused: at capacity or draining?)"};
    if (auto why = plivo::refusal(*stream); !why.empty()) return {call_answer::kind::refused, {}, why};
    if (stream->content_type != "audio/x-mulaw;rate=8000")
      return {call_answer::kind::refused, {}, "this simulator streams audio/x-mulaw only, not " + stream->content_type};
    auto u = net::parse_url(stream->url);
    if (!u) return {call_answer::kind::refused, {}, "the <Stream> url does not parse: " + stream->url};
    // Signed as Plivo's Node stream SDK checks it: the https:// form of the URL, GET, no parameters.
    return {
        call_answer::kind::socket,
        {stream->url, plivo::signed_headers(settings_.credential, "GET", "https://" + u->host_port() + u->target, {})},
        {}};
  }

  std::vector<provider_frame> opening() override {
    return {{plivo::start_message(++sequence_, call_uuid_, stream_id_)}};
  }
  bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) override {
    ++chunk_;
    out += plivo::media_message(++sequence_, stream_id_, chunk_, (chunk_ - 1) * 20,
                                std::string_view(reinterpret_cast<const char*>(mulaw.data()), mulaw.size()));
    return false;
  }
  std::optional<provider_frame> dtmf(char digit) override {
    return provider_frame{plivo::dtmf_message(++sequence_, stream_id_, std::string(1, digit), chunk_ * 20)};
  }
  provider_frame mark_played(std::string_view name) override {
    return {plivo::played_stream(++sequence_, stream_id_, name)};
  }
  std::vector<provider_frame> cleared(const std::vector<std::string>&) override {
    return {{plivo::cleared_audio(++sequence_, stream_id_)}};
  }
  provider_frame stop() override { return {plivo::stop_message(++sequence_, stream_id_, "hangup")}; }

  gateway_message read(std::string& text, bool) override { return read_json_event(text, plivo_events); }
  std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) override {
    return codecs::base64::decode(payload, out);
  }

 private:
  caller_settings settings_;
  std::string call_uuid_ = plivo::random_uuid();
  std::string stream_id_ = plivo::random_uuid();
  std::uint64_t sequence_ = 0;
  std::uint64_t chunk_ = 0;
};

}  // namespace

std::unique_ptr<caller> make_plivo_caller(const caller_settings& s) { return std::make_unique<plivo_caller>(s); }

}  // namespace voxgate::sim
