#include "net/providers/signalwire/provider.hpp"

#include "net/headers.hpp"
#include "net/providers/signalwire/rest.hpp"
#include "net/providers/signalwire/signature.hpp"
#include "net/providers/signalwire/webhook.hpp"
#include "net/providers/twilio/media.hpp"
#include "net/providers/twilio/twiml.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net::signalwire {
namespace {

using namespace providers;

constexpr std::string_view voice_path = "/signalwire/voice";
// Where the <Stream>'s statusCallback posts stream-started / stream-stopped / stream-error.
constexpr std::string_view stream_status_path = "/signalwire/stream-status";
// Each call's Stream url is /signalwire/media/<token>. SignalWire does not sign the upgrade, so the
// token (in the path, and again in the start's <Parameter>, which is required) is the check. That the
// path reaches us unchanged is what every SignalWire example implies but none states: the bare path
// works too, with the token in <Parameter> only.
constexpr std::string_view media_prefix = "/signalwire/media";

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"SIGNALWIRE_SIGNING_KEY", "",
       "verifies X-SignalWire-Signature (the project's Signing Key, not the API token); unset turns verification "
       "off (loud warning)",
       checks::any_text(), true},
      {"SIGNALWIRE_SPACE_URL", "",
       "https://YOUR-SPACE.signalwire.com: the Compatibility REST API, for the hang-up (end_call)",
       checks::url_of({"https", "http"})},
      {"SIGNALWIRE_PROJECT_ID", "", "the Project ID (the webhooks' AccountSid): REST user name", checks::any_text()},
      {"SIGNALWIRE_API_TOKEN", "", "API token with the Voice scope: REST password", checks::any_text(), true},
  };
  return list;
}

// The statusCallback URL beside a call's media URL: both come from the same public base, the one
// the webhook was reached at (wss://host/prefix/signalwire/media/ -> https://host/prefix/…/stream-status).
std::string status_callback_for(std::string_view media_url) {
  std::string suffix = std::string(media_prefix) + "/";
  if (media_url.size() < suffix.size() || media_url.substr(media_url.size() - suffix.size()) != suffix) return {};
  auto base = media_url.substr(0, media_url.size() - suffix.size());
  if (base.rfind("wss://", 0) == 0) return "https://" + std::string(base.substr(6)) + std::string(stream_status_path);
  if (base.rfind("ws://", 0) == 0) return "http://" + std::string(base.substr(5)) + std::string(stream_status_path);
  return {};
}

std::optional<event_kind> stream_event_kind(std::string_view e) {
  if (e == "stream-started") return event_kind::stream_started;
  if (e == "stream-stopped") return event_kind::stream_stopped;
  if (e == "stream-error") return event_kind::stream_failed;
  return std::nullopt;
}

class signalwire_provider final : public provider {
 public:
  explicit signalwire_provider(const setting_values& v)
      : signing_key_(value_of(v, settings(), "SIGNALWIRE_SIGNING_KEY")),
        space_url_(value_of(v, settings(), "SIGNALWIRE_SPACE_URL")),
        project_id_(value_of(v, settings(), "SIGNALWIRE_PROJECT_ID")),
        api_token_(value_of(v, settings(), "SIGNALWIRE_API_TOKEN")) {}

  std::string_view name() const override { return "signalwire"; }
  const providers::traits& traits() const override {
    static const providers::traits t{false, dtmf_source::media_socket, true};
    return t;
  }
  // Twilio's frames: the codec takes the streamSid from start.streamSid (SignalWire puts none at the
  // top), counters as strings or numbers, a `stop` with no body, a `dtmf` with no track.
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return voice_path; }
  std::string_view events_path() const override { return stream_status_path; }

  std::optional<refusal> verify(const http_request& req, const public_base& base, std::int64_t) const override {
    if (signing_key_.empty()) return std::nullopt;
    auto form = parse_form(req.body).value_or(param_list{});
    auto url = base.http_url(req.target);
    auto check = verify_signature(signing_key_, url, form, req.headers);
    if (check == signature_check::ok) return std::nullopt;
    auto label = std::string(to_string(check));
    if (check == signature_check::missing_signature)
      return refusal{403, label, "no X-SignalWire-Signature (nor X-Twilio-Signature) header"};
    return refusal{403, label,
                   "signature check failed: url_checked=" + url +
                       " (is PUBLIC_URL what SignalWire calls, and SIGNALWIRE_SIGNING_KEY the project's Signing Key?)"};
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    auto hook = parse_voice_webhook(req.body, why);
    if (!hook) return std::nullopt;
    if (req.path() == stream_status_path || !hook->stream_event.empty()) {
      auto kind = stream_event_kind(hook->stream_event);
      if (!kind) return webhook{};  // acknowledged and counted
      return webhook{call_event{hook->call_sid + "/" + hook->stream_sid + "/" + hook->stream_event, *kind,
                                hook->call_sid, "", hook->stream_error}};
    }
    // A status callback pointed at the voice URL: the call is over, not new.
    if (call_has_ended(hook->call_status))
      return webhook{call_event{hook->call_sid + "/" + hook->call_status, event_kind::hangup, hook->call_sid, "",
                                hook->call_status}};
    return webhook{announced_call(hook->call_sid, hook->from, hook->to, req, base, media_prefix)};
  }

  // The cXML that connects the media socket (Twilio's TwiML shape): the call's token in its path and in
  // a <Parameter>, with the CallSid and the webhook URL's query parameters; μ-law 8 kHz, the default codec.
  http_response admit(const new_call& call, const std::string& token) const override {
    auto stream_params = twilio::stream_parameters(call.call_id, token, call.parameters);
    return xml_answer(twilio::connect_stream(call.media_url + token, stream_params, status_callback_for(call.media_url)));
  }

  http_response refuse(const new_call&) const override {
    return xml_answer(twilio::say_and_hangup(
        "We're sorry, all of our agents are busy right now. Please call again in a few minutes."));
  }

  std::vector<std::string> webhook_results() const override {
    return {"bad_signature", "missing_signature", "event", "ignored", "duplicate", "unknown_call"};
  }

  std::string_view media_path() const override { return media_prefix; }

  // SignalWire signs no upgrade: the path's token is checked by the gateway, the start's by the call.
  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base&) const override {
    auto path = req.path();
    return path.size() > media_prefix.size() ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
  }

  std::vector<std::string> upgrade_refusals() const override { return {}; }

  std::optional<http_client_request> hangup(const std::string& call_id) const override {
    if (!rest_configured()) return std::nullopt;
    return hangup_call(space_url_, project_id_, api_token_, call_id);
  }

  std::vector<std::string> warnings() const override {
    std::vector<std::string> out;
    if (signing_key_.empty())
      out.push_back(
          "SIGNALWIRE_SIGNING_KEY is not set: SignalWire webhook signatures are NOT verified (and SignalWire signs no "
          "media-socket upgrade, so only the per-call token guards it). Set it to the project's Signing Key before "
          "taking real calls.");
    std::vector<std::string> missing;
    if (space_url_.empty()) missing.emplace_back("SIGNALWIRE_SPACE_URL");
    if (project_id_.empty()) missing.emplace_back("SIGNALWIRE_PROJECT_ID");
    if (api_token_.empty()) missing.emplace_back("SIGNALWIRE_API_TOKEN");
    if (!missing.empty() && missing.size() < 3) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      out.push_back("SignalWire REST hang-up is off: " + list +
                    " not set (the three go together); the AI's end_call only closes the media socket.");
    }
    return out;
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"SignalWire voice webhook (POST): " + base.http_url(voice_path),
            "SignalWire media stream:         " + base.ws_url(media_prefix) + "/<per-call token>"};
  }

 private:
  bool rest_configured() const { return !space_url_.empty() && !project_id_.empty() && !api_token_.empty(); }

  std::string signing_key_;
  std::string space_url_;
  std::string project_id_;
  std::string api_token_;
  twilio::media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"signalwire",
          "SignalWire cXML (Compatibility API): <Connect><Stream>, Twilio's frames, G.711 µ-law, marks and clear",
          settings(), [](const setting_values& v) { return std::make_unique<signalwire_provider>(v); }};
}

}  // namespace voxgate::net::signalwire
