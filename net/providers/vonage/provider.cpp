#include "net/providers/vonage/provider.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "net/call_token.hpp"
#include "net/headers.hpp"
#include "net/providers/vonage/jwt.hpp"
#include "net/providers/vonage/media.hpp"
#include "net/providers/vonage/ncco.hpp"
#include "net/providers/vonage/rest.hpp"
#include "net/providers/vonage/webhook.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net::vonage {
namespace {

using namespace providers;

constexpr std::string_view media_prefix = "/vonage/media";
constexpr std::string_view answer_path = "/vonage/voice";
constexpr std::string_view event_path = "/vonage/events";
constexpr std::size_t max_key_bytes = 64 * 1024;

// The file's text, or why it cannot be read; bounded (a private key is a few kB).
std::optional<std::string> read_key(const std::string& path, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "cannot open " + path;
    return std::nullopt;
  }
  std::string text(max_key_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_key_bytes) {
    *why = path + " is larger than a private key";
    return std::nullopt;
  }
  return text;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"VONAGE_SIGNATURE_SECRET", "",
       "the account's signature secret: every webhook must carry an HS256 JWT signed with it; unset turns "
       "verification off (loud warning)",
       checks::any_text(), true},
      {"VONAGE_APPLICATION_ID", "", "the Voice application whose private key signs the REST hang-up (end_call)",
       [](const std::string& v) -> checks::verdict {
         if (v.empty() || is_uuid(v)) return std::nullopt;
         return "the application's id: letters, digits and dashes";
       }},
      {"VONAGE_PRIVATE_KEY_PATH", "", "PEM file of the application's RSA private key (RS256 for the REST hang-up)",
       [](const std::string& v) -> checks::verdict {
         if (v.empty()) return std::nullopt;
         std::string why;
         auto pem = read_key(v, &why);
         if (!pem) return "a readable PEM file (" + why + ")";
         if (auto bad = check_private_key(*pem); !bad.empty()) return "an RSA private key in PEM (" + bad + ")";
         return std::nullopt;
       }},
      {"VONAGE_API_URL", "https://api.nexmo.com", "Vonage REST base URL", checks::url_of({"https", "http"})},
      {"VONAGE_AUDIO_RATE", "16000", "the L16 rate the NCCO asks Vonage to stream at: 8000 or 16000",
       checks::one_of({"8000", "16000"})},
  };
  return list;
}

// The events URL beside the media URL: both under the same public base.
std::string events_url(const std::string& media_url) {
  auto base = media_url.substr(0, media_url.rfind(media_prefix));
  if (base.rfind("wss://", 0) == 0)
    base = "https://" + base.substr(6);
  else if (base.rfind("ws://", 0) == 0)
    base = "http://" + base.substr(5);
  return base + std::string(event_path);
}

class vonage_provider final : public provider {
 public:
  explicit vonage_provider(const setting_values& v)
      : secret_(value_of(v, settings(), "VONAGE_SIGNATURE_SECRET")),
        application_id_(value_of(v, settings(), "VONAGE_APPLICATION_ID")),
        api_url_(value_of(v, settings(), "VONAGE_API_URL")),
        rate_(value_of(v, settings(), "VONAGE_AUDIO_RATE") == "8000" ? 8000u : 16000u) {
    auto path = value_of(v, settings(), "VONAGE_PRIVATE_KEY_PATH");
    if (!path.empty()) {
      std::string why;
      if (auto pem = read_key(path, &why))
        private_key_ = std::move(*pem);
      else
        key_problem_ = why;
    }
  }

  std::string_view name() const override { return "vonage"; }
  const providers::traits& traits() const override {
    // In order, DTMF on the socket, the token in the path only. Vonage's socket closing is the call's
    // end (it sends no stop), and it takes outbound audio only in messages of exactly 20 ms.
    static const providers::traits t{false, dtmf_source::media_socket, false, 0, true, 20};
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return answer_path; }
  std::vector<std::string_view> webhook_methods() const override { return {"GET", "POST"}; }
  std::string_view events_path() const override { return event_path; }

  std::optional<refusal> verify(const http_request& req, const public_base&, std::int64_t unix_now) const override {
    if (secret_.empty()) return std::nullopt;
    auto authorization = header_or(req.headers, "authorization");
    // Vonage may send an unsigned callback after an error of its own and retries on a 5xx.
    if (authorization.empty())
      return refusal{503, "missing_signature", "no Authorization: Bearer JWT (VONAGE_SIGNATURE_SECRET is set)"};
    auto check = verify_webhook_token(secret_, authorization, unix_now, payload_hashes(req), req.method != "GET");
    if (check == jwt_check::ok) return std::nullopt;
    return refusal{401, "bad_signature", "signed webhook refused: " + std::string(to_string(check))};
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    if (req.path() == event_path) return parse_status(req, why);
    auto hook = parse_answer(req, why);
    if (!hook) return std::nullopt;
    auto call =
        announced_call(std::move(hook->uuid), std::move(hook->from), std::move(hook->to), req, base, media_prefix);
    call.session_id = {};  // conversation_uuid names no call of ours: events come by the leg's uuid
    // A POST's signature covers its body only: the answer URL's query could have been rewritten.
    if (req.method != "GET" && !secret_.empty() && !hook->routing.empty()) {
      spdlog::warn("call={} vonage answer by POST: its URL's query ({} parameters) is not covered by Vonage's "
                   "signature, so it is not used; set the answer method to GET to route calls by it",
                   call.call_id, hook->routing.size());
      hook->routing.clear();
    }
    call.parameters = std::move(hook->routing);
    call.media_format = codecs::audio_format::pcm16(rate_);
    return webhook{std::move(call)};
  }

  http_response admit(const new_call& call, const std::string& token) const override {
    return json_answer(
        connect_ncco({call.media_url + token, rate_, call.call_id, call.from, call.to, events_url(call.media_url)}));
  }

  http_response refuse(const new_call&) const override {
    return json_answer(
        talk_ncco("We're sorry, all of our agents are busy right now. Please call again in a few minutes."));
  }

  std::vector<std::string> webhook_results() const override { return {"missing_signature", "bad_signature"}; }

  std::string_view media_path() const override { return media_prefix; }

  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base&) const override {
    auto path = req.path();
    auto token =
        path.size() > media_prefix.size() + 1 ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
    if (token.empty()) return refusal{403, "missing_token", "no call token in the media socket's path"};
    return token;
  }

  std::vector<std::string> upgrade_refusals() const override { return {"missing_token"}; }

  std::optional<http_client_request> hangup(const std::string& call_id) const override {
    if (application_id_.empty() || private_key_.empty()) return std::nullopt;
    auto r = hangup_call(api_url_, application_id_, private_key_, call_id, unix_now());
    if (!r) spdlog::error("call={} vonage hangup NOT sent: the uuid is malformed or the key does not sign", call_id);
    return r;
  }

  std::vector<std::string> warnings() const override {
    std::vector<std::string> out;
    if (secret_.empty())
      out.emplace_back(
          "VONAGE_SIGNATURE_SECRET is not set: Vonage's signed webhooks are NOT verified, so anyone who finds "
          "/vonage/voice can start calls. Set it before taking real Vonage calls.");
    if (!key_problem_.empty())
      out.emplace_back("VONAGE_PRIVATE_KEY_PATH: " + key_problem_ + ": the AI's hang-up only closes the socket");
    return out;
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"Vonage answer URL (GET):     " + base.http_url(answer_path),
            "Vonage event URL (POST):     " + base.http_url(event_path),
            "Vonage media socket:         " + base.ws_url(media_prefix) + "/<per-call token>"};
  }

 private:
  // A status about a call: the caller's leg ending, or the websocket leg failing to connect.
  std::optional<webhook> parse_status(const http_request& req, std::string* why) const {
    auto ev = parse_event(req.body, why);
    if (!ev) return std::nullopt;
    const auto& s = ev->status;
    bool ws_leg = !ev->call_uuid_header.empty();
    if (ws_leg && (s == "failed" || s == "unanswered" || s == "rejected" || s == "timeout"))
      return webhook{call_event{ev->uuid + ":" + s, event_kind::stream_failed, ev->call_uuid_header, {}, s}};
    if (!ws_leg && !ev->uuid.empty() &&
        (s == "completed" || s == "busy" || s == "cancelled" || s == "unanswered" || s == "rejected" || s == "failed" ||
         s == "timeout"))
      return webhook{call_event{ev->uuid + ":" + s, event_kind::hangup, ev->uuid, {}, s}};
    return webhook{std::monostate{}};  // started, ringing, answered, the websocket leg's own end, ...
  }

  std::string secret_;
  std::string application_id_;
  std::string api_url_;
  std::uint32_t rate_;
  std::string private_key_;
  std::string key_problem_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"vonage",
          "Vonage Voice API: NCCO connect to a websocket, L16 PCM at 8/16 kHz in binary 20 ms frames, notify and clear",
          settings(), [](const setting_values& v) { return std::make_unique<vonage_provider>(v); }};
}

}  // namespace voxgate::net::vonage
