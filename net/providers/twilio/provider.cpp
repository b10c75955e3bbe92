#include "net/providers/twilio/provider.hpp"

#include <algorithm>
#include <cctype>

#include "net/headers.hpp"
#include "net/setting_checks.hpp"
#include "net/providers/twilio/media.hpp"
#include "net/providers/twilio/rest.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/providers/twilio/twiml.hpp"
#include "net/providers/twilio/webhook.hpp"

namespace voxgate::net::twilio {
namespace {

using namespace providers;

// Each call's Stream url is /twilio/media/<token>: Twilio keeps the path (it drops only a query), so
// the upgrade names its call before the handshake. The bare path still works, with the token in
// <Parameter> only (TwiML written before per-call paths).
constexpr std::string_view media_prefix = "/twilio/media";

checks::verdict account_sid(const std::string& v) {
  bool hex = std::all_of(v.begin() + std::min<std::size_t>(2, v.size()), v.end(),
                         [](unsigned char ch) { return std::isxdigit(ch); });
  if (v.size() != 34 || v.compare(0, 2, "AC") != 0 || !hex) return "AC followed by 32 hexadecimal digits";
  return std::nullopt;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"TWILIO_AUTH_TOKEN", "", "verifies X-Twilio-Signature; unset turns verification off (loud warning)",
       checks::any_text(), true},
      {"TWILIO_ACCOUNT_SID", "", "AC...: for the REST hang-up (end_call)", account_sid},
      {"TWILIO_API_BASE", "https://api.twilio.com/2010-04-01", "Twilio REST base URL",
       checks::url_of({"https", "http"})},
  };
  return list;
}

class twilio_provider final : public provider {
 public:
  explicit twilio_provider(const setting_values& v)
      : auth_token_(value_of(v, settings(), "TWILIO_AUTH_TOKEN")),
        account_sid_(value_of(v, settings(), "TWILIO_ACCOUNT_SID")),
        api_base_(value_of(v, settings(), "TWILIO_API_BASE")) {}

  std::string_view name() const override { return "twilio"; }
  const providers::traits& traits() const override {
    static const providers::traits t{false, dtmf_source::media_socket, true};
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return "/twilio/voice"; }

  std::optional<refusal> verify(const http_request& req, const public_base& base, std::int64_t) const override {
    if (auth_token_.empty()) return std::nullopt;
    auto form = parse_form(req.body).value_or(param_list{});
    auto url = base.http_url(req.target);
    if (verify_signature(auth_token_, url, form, header_or(req.headers, "x-twilio-signature"))) return std::nullopt;
    return refusal{403, "bad_signature",
                   "signature check failed: url_checked=" + url + " (is PUBLIC_URL what Twilio calls?)"};
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    auto hook = parse_voice_webhook(req.body, why);
    if (!hook) return std::nullopt;
    return webhook{announced_call(hook->call_sid, hook->from, hook->to, req, base, media_prefix)};
  }

  // The TwiML that connects the media socket, with the call's token in its path and its parameters.
  http_response admit(const new_call& call, const std::string& token) const override {
    auto stream_params = stream_parameters(call.call_id, token, call.parameters);
    return xml_answer(connect_stream(call.media_url + token, stream_params));
  }

  http_response refuse(const new_call&) const override {
    return xml_answer(
        say_and_hangup("We're sorry, all of our agents are busy right now. Please call again in a few minutes."));
  }

  std::vector<std::string> webhook_results() const override { return {"bad_signature"}; }

  std::string_view media_path() const override { return media_prefix; }

  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base& base) const override {
    auto path = req.path();
    if (!auth_token_.empty()) {
      // Twilio signs the wss:// URL exactly as written in the TwiML, with no parameters.
      auto sig = header_or(req.headers, "x-twilio-signature");
      if (!verify_signature(auth_token_, base.ws_url(path), {}, sig)) {
        if (sig.empty()) return refusal{403, "missing_signature", "no X-Twilio-Signature header"};
        return refusal{403, "bad_signature",
                       "X-Twilio-Signature does not match " + base.ws_url(media_prefix) + "/... (is PUBLIC_URL right?)"};
      }
    }
    return path.size() > media_prefix.size() ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
  }

  std::vector<std::string> upgrade_refusals() const override { return {"bad_signature", "missing_signature"}; }

  std::optional<http_client_request> hangup(const std::string& call_id) const override {
    if (account_sid_.empty() || auth_token_.empty()) return std::nullopt;
    auto r = hangup_call(api_base_, account_sid_, auth_token_, call_id);
    http_client_request req;
    req.method = r.method;
    req.url = std::move(r.url);
    req.headers = std::move(r.headers);
    req.body = std::move(r.body);
    req.timeout = std::chrono::milliseconds(5000);
    return req;
  }

  std::vector<std::string> warnings() const override {
    if (!auth_token_.empty()) return {};
    return {"TWILIO_AUTH_TOKEN is not set: Twilio webhook and media-socket signatures are NOT verified. "
            "Set it before taking real calls."};
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"Twilio voice webhook (POST): " + base.http_url(webhook_path()),
            "Twilio media stream:         " + base.ws_url(media_prefix) + "/<per-call token>"};
  }

 private:
  std::string auth_token_;
  std::string account_sid_;
  std::string api_base_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"twilio", "Twilio Programmable Voice: TwiML <Connect><Stream>, G.711 µ-law, marks and clear", settings(),
          [](const setting_values& v) { return std::make_unique<twilio_provider>(v); }};
}

}  // namespace voxgate::net::twilio
