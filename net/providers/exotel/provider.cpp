#include "net/providers/exotel/provider.hpp"

#include "net/headers.hpp"
#include "net/providers/exotel/applet.hpp"
#include "net/providers/exotel/auth.hpp"
#include "net/providers/exotel/media.hpp"

namespace voxgate::net::exotel {
namespace {

using namespace providers;

constexpr std::string_view media_prefix = "/exotel/media";
// The rate the gateway asks for (?sample-rate=): the telephone band, which the transcoder turns
// into what the AI takes.
constexpr std::uint32_t stream_rate = 8000;
// Exotel's shortest chunk that plays without gaps from network jitter.
constexpr std::uint32_t min_chunk_bytes = 3200;

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"EXOTEL_STREAM_AUTH", "",
       "user:password Exotel must send as HTTP Basic auth, on the applet's request and the media socket "
       "(Exotel signs nothing; unset: anyone may start a call, loud warning)",
       [](const std::string& v) { return credentials_problem(v); }, true},
  };
  return list;
}

// Both doors take the same credentials; the label is the metric's, the reason names no secret.
std::optional<refusal> check_credentials(const std::string& credentials, const http_request& req,
                                         std::string_view door) {
  if (credentials.empty()) return std::nullopt;
  switch (check_basic(credentials, header_or(req.headers, "authorization"))) {
    case basic_check::ok:
      return std::nullopt;
    case basic_check::missing:
      return refusal{401, "missing_auth",
                     "no Authorization header on the " + std::string(door) +
                         ": EXOTEL_STREAM_AUTH is set (is user:password@ in the Voicebot applet's URL?)"};
    case basic_check::mismatch:
      break;
  }
  return refusal{403, "bad_auth", "Authorization on the " + std::string(door) + " does not match EXOTEL_STREAM_AUTH"};
}

class exotel_provider final : public provider {
 public:
  explicit exotel_provider(const setting_values& v) : credentials_(value_of(v, settings(), "EXOTEL_STREAM_AUTH")) {}

  std::string_view name() const override { return "exotel"; }
  const providers::traits& traits() const override {
    // Exotel asks for chunks of at least 3.2 kB: 200 ms of 8 kHz PCM16 (its pages call it 100 ms,
    // true only at 16 kHz). DTMF comes on the socket; media in order, the token in the path only.
    static const providers::traits t{false, dtmf_source::media_socket, false,
                                     codecs::audio_format::pcm16(stream_rate).bytes_to_ms(min_chunk_bytes)};
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return "/exotel/voice"; }
  std::vector<std::string_view> webhook_methods() const override { return {"GET"}; }

  std::optional<refusal> verify(const http_request& req, const public_base&, std::int64_t) const override {
    return check_credentials(credentials_, req, "applet's request");
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    auto request = parse_applet_request(req.query(), why);
    if (!request) return std::nullopt;
    auto call = announced_call(std::move(request->call_sid), std::move(request->from), std::move(request->to), req,
                               base, media_prefix);
    call.parameters = std::move(request->routing);  // the query less Exotel's own fields
    call.media_format = codecs::audio_format::pcm16(stream_rate);
    return webhook{std::move(call)};
  }

  http_response admit(const new_call& call, const std::string& token) const override {
    return json_answer(applet_answer(stream_url(call.media_url, token, credentials_, stream_rate)));
  }

  // What Exotel does with a failed answer is not documented: a clear status and reason for its logs;
  // the flow is expected to go on to the applet after Voicebot (a Hangup).
  http_response refuse(const new_call&) const override {
    return http_response::text(503, "the gateway takes no new calls now (full or draining)\n");
  }

  std::vector<std::string> webhook_results() const override { return {"missing_auth", "bad_auth"}; }

  std::string_view media_path() const override { return media_prefix; }

  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base&) const override {
    if (auto refused = check_credentials(credentials_, req, "media socket's upgrade")) return *refused;
    auto path = req.path();  // without ?sample-rate=
    return path.size() > media_prefix.size() ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
  }

  std::vector<std::string> upgrade_refusals() const override { return {"missing_auth", "bad_auth"}; }

  // Exotel has no REST hang-up for an applet's call: the gateway closes the socket (end_call does),
  // and the flow's next applet ends the call.
  std::optional<http_client_request> hangup(const std::string&) const override { return std::nullopt; }

  std::vector<std::string> warnings() const override {
    if (!credentials_.empty()) return {};
    return {
        "EXOTEL_STREAM_AUTH is not set: Exotel signs nothing, so anyone who finds /exotel/voice can start "
        "calls; each media socket is still bound to its call by its token. Set it, and put user:password@ in "
        "the Voicebot applet's URL, before taking real calls."};
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"Exotel Voicebot applet URL (GET): " + base.http_url(webhook_path()),
            "Exotel media stream:             " + base.ws_url(media_prefix) + "/<per-call token>?sample-rate=8000"};
  }

 private:
  std::string credentials_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"exotel",
          "Exotel AgentStream (Voicebot applet): https endpoint answering a wss URL, 8 kHz PCM16, marks and clear",
          settings(), [](const setting_values& v) { return std::make_unique<exotel_provider>(v); }};
}

}  // namespace voxgate::net::exotel
