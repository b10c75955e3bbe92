#include "net/providers/plivo/provider.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "net/headers.hpp"
#include "net/providers/plivo/media.hpp"
#include "net/providers/plivo/rest.hpp"
#include "net/providers/plivo/signature.hpp"
#include "net/providers/plivo/webhook.hpp"
#include "net/providers/plivo/xml.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net::plivo {
namespace {

using namespace providers;

// Each call's stream URL is /plivo/media/<token>: every Plivo example keeps a path, while whether it
// keeps a query string is undocumented.
constexpr std::string_view media_prefix = "/plivo/media";

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"PLIVO_AUTH_TOKEN", "",
       "verifies X-Plivo-Signature-V3 and authenticates the REST hang-up; unset turns verification off (loud warning)",
       checks::any_text(), true},
      {"PLIVO_AUTH_ID", "", "MA... or SA...: the account whose REST API hangs up calls (end_call)",
       [](const std::string& v) -> checks::verdict {
         if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isalnum(c); })) return std::nullopt;
         return "letters and digits only (Plivo console > Account > Auth ID)";
       }},
      {"PLIVO_API_BASE", "https://api.plivo.com/v1", "Plivo REST base URL", checks::url_of({"https", "http"})},
  };
  return list;
}

class plivo_provider final : public provider {
 public:
  explicit plivo_provider(const setting_values& v)
      : auth_token_(value_of(v, settings(), "PLIVO_AUTH_TOKEN")),
        auth_id_(value_of(v, settings(), "PLIVO_AUTH_ID")),
        api_base_(value_of(v, settings(), "PLIVO_API_BASE")) {}

  std::string_view name() const override { return "plivo"; }
  const providers::traits& traits() const override {
    // In order, DTMF on the media socket, the token in the path (Plivo's start carries no parameters).
    // Plivo documents no stop message: its socket closing is the call's end.
    static const providers::traits t{false, dtmf_source::media_socket, false, 0, true};
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return "/plivo/voice"; }

  // V3 or Ma-V3 (the main account's token, for a number on a subaccount) over the public URL Plivo
  // called, the form's fields and the nonce.
  std::optional<refusal> verify(const http_request& req, const public_base& base, std::int64_t) const override {
    if (auth_token_.empty()) return std::nullopt;
    auto nonce = header_or(req.headers, "x-plivo-signature-v3-nonce");
    auto v3 = header_or(req.headers, "x-plivo-signature-v3");
    auto ma = header_or(req.headers, "x-plivo-signature-ma-v3");
    if (nonce.empty() || (v3.empty() && ma.empty()))
      return refusal{403, "missing_signature", "no X-Plivo-Signature-V3 and X-Plivo-Signature-V3-Nonce headers"};
    auto params = req.method == "POST" ? parse_form(req.body).value_or(param_list{}) : param_list{};
    auto url = base.http_url(req.target);
    for (const auto* header : {&v3, &ma})
      if (verify_signature(auth_token_, req.method, url, params, nonce, *header)) return std::nullopt;
    return refusal{403, "bad_signature",
                   "signature check failed: url_checked=" + url + " (is PUBLIC_URL what Plivo calls?)"};
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    auto hook = parse_answer_webhook(req.body, why);
    if (!hook) return std::nullopt;
    if (hook->ended()) {
      // A hangup_url pointed here: the call is over.
      return webhook{call_event{hook->call_uuid + "-hangup",
                                event_kind::hangup,
                                hook->call_uuid,
                                {},
                                hook->hangup_cause.empty() ? hook->call_status : hook->hangup_cause}};
    }
    return webhook{announced_call(hook->call_uuid, hook->from, hook->to, req, base, media_prefix)};
  }

  http_response admit(const new_call& call, const std::string& token) const override {
    return xml_answer(stream_answer(call.media_url + token));
  }

  http_response refuse(const new_call&) const override {
    return xml_answer(
        speak_and_hangup("We're sorry, all of our agents are busy right now. Please call again in a few minutes."));
  }

  std::vector<std::string> webhook_results() const override { return {"bad_signature", "missing_signature"}; }

  std::string_view media_path() const override { return media_prefix; }

  // The token in the path is the check (the gateway verifies it). Plivo signs the upgrade too, but
  // over which URL is undocumented: the candidates are tried and the match logged, never enforced.
  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base& base) const override {
    auto path = req.path();
    auto token =
        path.size() > media_prefix.size() + 1 ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
    if (token.empty()) return refusal{403, "missing_token", "no call token in the media socket's path"};
    log_upgrade_signature(req, base);
    return token;
  }

  std::vector<std::string> upgrade_refusals() const override { return {"missing_token"}; }

  std::optional<http_client_request> hangup(const std::string& call_id) const override {
    if (auth_id_.empty() || auth_token_.empty()) return std::nullopt;
    auto r = hangup_call(api_base_, auth_id_, auth_token_, call_id);
    // Never reached from a verified webhook (its CallUUID was checked), but an empty id here would end
    // every call on the account.
    if (!r) spdlog::error("plivo hangup NOT sent: the call id is not a CallUUID (an empty one would end them all)");
    return r;
  }

  std::vector<std::string> warnings() const override {
    std::vector<std::string> out;
    if (auth_token_.empty())
      out.emplace_back(
          "PLIVO_AUTH_TOKEN is not set: Plivo answer-webhook signatures are NOT verified. "
          "Set it before taking real Plivo calls.");
    return out;
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"Plivo answer URL (POST):     " + base.http_url(webhook_path()),
            "Plivo media stream:          " + base.ws_url(media_prefix) + "/<per-call token>"};
  }

 private:
  void log_upgrade_signature(const http_request& req, const public_base& base) const {
    auto nonce = header_or(req.headers, "x-plivo-signature-v3-nonce");
    auto v3 = header_or(req.headers, "x-plivo-signature-v3");
    if (auth_token_.empty() || nonce.empty() || v3.empty()) {
      spdlog::debug("plivo media upgrade: no V3 signature to compare (not enforced)");
      return;
    }
    // Plivo's stream SDKs disagree on the URL they check: https://, wss:// or http://, some with /websocket.
    auto path = std::string(req.path());
    auto host = base.http.substr(base.http.find("://") + 3);
    const std::array<std::pair<const char*, std::string>, 5> candidates = {{
        {"https", base.http_url(path)},
        {"wss", base.ws_url(path)},
        {"http", "http://" + host + path},
        {"https+/websocket", base.http_url(path) + "/websocket"},
        {"http+/websocket", "http://" + host + path + "/websocket"},
    }};
    for (const auto& [rule, url] : candidates)
      if (verify_signature(auth_token_, "GET", url, {}, nonce, v3)) {
        spdlog::info("plivo media upgrade: X-Plivo-Signature-V3 matches the {} URL", rule);
        return;
      }
    spdlog::info(
        "plivo media upgrade: X-Plivo-Signature-V3 matches none of the candidate URLs (not enforced; "
        "the call token is the check)");
  }

  std::string auth_token_;
  std::string auth_id_;
  std::string api_base_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"plivo", "Plivo Voice Audio Streaming: XML <Stream bidirectional>, G.711 µ-law, checkpoints and clearAudio",
          settings(), [](const setting_values& v) { return std::make_unique<plivo_provider>(v); }};
}

}  // namespace voxgate::net::plivo
