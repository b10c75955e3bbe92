#include "net/providers/audiosocket/provider.hpp"

#include <charconv>

#include "net/headers.hpp"
#include "net/providers/audiosocket/media.hpp"
#include "net/providers/audiosocket/webhook.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net::audiosocket {
namespace {

using namespace providers;

constexpr std::string_view voice_path = "/audiosocket/voice";
constexpr std::string_view media_prefix = "/audiosocket/media";  // no WebSocket: refused with a pointer

std::optional<std::uint32_t> number(const std::string& v) {
  std::uint32_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
  return n;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"AUDIOSOCKET_SECRET", "",
       "shared secret the dialplan's CURL of /audiosocket/voice must send as Authorization: Bearer <secret> "
       "(unset: anyone who reaches the gateway may start a call, loud warning)",
       [](const std::string&) -> std::optional<std::string> { return std::nullopt; }, true},
      {"AUDIOSOCKET_PORT", "",
       "TCP port of the AudioSocket media listener (Asterisk dials it); unset: no listener (0: any free port)",
       [](const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return std::nullopt;
         auto n = number(v);
         if (!n || *n > 65535) return "a port number, 0 to 65535";
         return std::nullopt;
       }},
      {"AUDIOSOCKET_HOST", "127.0.0.1",
       "address the AudioSocket listener binds: the wire has no authentication and no encryption, so keep it "
       "on loopback or a private network",
       checks::address_to_bind()},
      {"AUDIOSOCKET_RATE", "8000",
       "slin rate the dialplan pins: 8000, 16000, 24000 or 48000 (AudioSocket() is always 8000; "
       "Dial(AudioSocket/...c(slin16)) 16000)",
       [](const std::string& v) -> std::optional<std::string> {
         auto n = number(v);
         if (!n || (*n != 8000 && *n != 16000 && *n != 24000 && *n != 48000)) return "8000, 16000, 24000 or 48000";
         return std::nullopt;
       }},
  };
  return list;
}

class audiosocket_provider final : public provider {
 public:
  explicit audiosocket_provider(const setting_values& v)
      : secret_(value_of(v, settings(), "AUDIOSOCKET_SECRET")),
        host_(value_of(v, settings(), "AUDIOSOCKET_HOST")),
        rate_(number(value_of(v, settings(), "AUDIOSOCKET_RATE")).value_or(8000)),
        media_(rate_) {
    if (auto port = number(value_of(v, settings(), "AUDIOSOCKET_PORT")); port && *port <= 65535)
      port_ = static_cast<std::uint16_t>(*port);
  }

  std::string_view name() const override { return "audiosocket"; }
  const providers::traits& traits() const override {
    // DTMF on the socket; the socket's close is the caller hanging up; the UUID is the credential;
    // no marks and no jitter buffer: the gateway paces.
    static const providers::traits t = [] {
      providers::traits x;
      x.close_is_hangup = true;
      x.call_id_is_credential = true;
      x.paced_by_gateway = true;
      return x;
    }();
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return voice_path; }
  std::vector<std::string_view> webhook_methods() const override { return {"GET"}; }
  std::string_view events_path() const override { return voice_path; }  // the POST form, the same request

  std::optional<refusal> verify(const http_request& req, const public_base&, std::int64_t) const override {
    if (!port_)  // a call with no way in for its media would only ring out
      return refusal{503, "no_listener", "AUDIOSOCKET_PORT is not set: the gateway has no AudioSocket listener"};
    if (secret_.empty()) return std::nullopt;
    switch (check_bearer(secret_, header_or(req.headers, "authorization"))) {
      case bearer_check::ok:
        return std::nullopt;
      case bearer_check::missing:
        return refusal{401, "missing_auth",
                       "no Authorization header: AUDIOSOCKET_SECRET is set (Set(CURLOPT(httpheader)=Authorization: "
                       "Bearer <secret>) before the CURL)"};
      case bearer_check::mismatch:
        break;
    }
    return refusal{403, "bad_auth", "Authorization does not match AUDIOSOCKET_SECRET"};
  }

  std::optional<webhook> parse(const http_request& req, const public_base&, std::string* why) const override {
    auto request = parse_voice_request(req.method, req.query(), req.body, why);
    if (!request) return std::nullopt;
    new_call call;
    call.call_id = mint_uuid();  // the socket's one credential: 122 random bits, used once
    call.from = std::move(request->from);
    call.to = std::move(request->to);
    call.parameters = std::move(request->routing);
    call.media_format = codecs::audio_format::pcm16(rate_);
    return webhook{std::move(call)};
  }

  // The UUID alone, no newline: ${CURL(...)} hands the body to AudioSocket() as it is.
  http_response admit(const new_call& call, const std::string&) const override {
    return http_response::text(200, call.call_id);
  }
  // An empty body: the dialplan's ${UUID} is empty, so it can test ${LEN(${UUID})} and play a message.
  http_response refuse(const new_call&) const override { return http_response::text(503, ""); }

  std::vector<std::string> webhook_results() const override { return {"missing_auth", "bad_auth", "no_listener"}; }

  std::string_view media_path() const override { return media_prefix; }
  std::variant<std::string, refusal> check_upgrade(const http_request&, const public_base&) const override {
    return refusal{404, "not_websocket", "AudioSocket media comes over raw TCP to AUDIOSOCKET_PORT, not a WebSocket"};
  }
  std::vector<std::string> upgrade_refusals() const override { return {"not_websocket"}; }

  std::optional<tcp_listener> tcp_media() const override {
    if (!port_) return std::nullopt;
    return tcp_listener{host_, *port_, "AUDIOSOCKET_PORT"};
  }

  // No REST: the gateway ends the call by sending 00 00 00 and closing the socket.
  std::optional<http_client_request> hangup(const std::string&) const override { return std::nullopt; }

  std::vector<std::string> warnings() const override {
    std::vector<std::string> out;
    if (!port_) return out;  // not in use
    if (secret_.empty())
      out.push_back(
          "AUDIOSOCKET_SECRET is not set: anyone who reaches /audiosocket/voice can start calls (each media socket "
          "still needs the UUID the gateway minted). Set it and send it from the dialplan before taking real calls.");
    if (host_ != "127.0.0.1" && host_ != "::1")
      out.push_back("AUDIOSOCKET_HOST=" + host_ +
                    ": AudioSocket has no authentication or encryption on the wire; bind only to a private "
                    "network or a VPN that Asterisk alone reaches.");
    return out;
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    if (!port_) return {"Asterisk AudioSocket: off (set AUDIOSOCKET_PORT)"};
    return {"Asterisk AudioSocket webhook (GET/POST): " + base.http_url(voice_path),
            "Asterisk AudioSocket media (raw TCP):    " + host_ + ":" + std::to_string(*port_)};
  }

 private:
  std::string secret_;
  std::string host_;
  std::optional<std::uint16_t> port_;
  std::uint32_t rate_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"audiosocket",
          "Asterisk AudioSocket: a dialplan CURL mints the call's UUID, then raw TCP slin, paced by the gateway",
          settings(), [](const setting_values& v) { return std::make_unique<audiosocket_provider>(v); }};
}

}  // namespace voxgate::net::audiosocket
