#include "net/providers/telnyx/provider.hpp"

#include <algorithm>
#include <cctype>
#include <spdlog/spdlog.h>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"
#include "net/log_value.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/providers/telnyx/rest.hpp"
#include "net/providers/telnyx/signature.hpp"
#include "net/providers/telnyx/webhook.hpp"
#include "net/setting_checks.hpp"

namespace voxgate::net::telnyx {
namespace {

using namespace providers;

constexpr std::string_view media_prefix = "/telnyx/media";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return s;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> list = {
      {"TELNYX_PUBLIC_KEY", "",
       "verifies Telnyx webhook signatures (base64 Ed25519 key); unset turns verification off (loud warning)",
       [](const std::string& v) -> checks::verdict {
         if (valid_public_key(v)) return std::nullopt;
         return "the base64 of a 32-byte Ed25519 public key (Mission Control > Keys)";
       }},
      {"TELNYX_API_KEY", "", "Call Control REST key (answer, streaming_start, hangup)", checks::any_text(), true},
      {"TELNYX_API_BASE", "https://api.telnyx.com/v2", "Telnyx REST base URL", checks::url_of({"https", "http"})},
      {"TELNYX_STREAM_MODE", "answer",
       "answer: answer with the stream | streaming_start: stream calls answered elsewhere",
       checks::one_of({"answer", "streaming_start"})},
      {"TELNYX_CODEC", "PCMU", "PCMU | PCMA (no transcoding) | L16 | G722 (16 kHz, transcoded)",
       [](const std::string& v) -> checks::verdict {
         if (format_for(upper(v), 16000)) return std::nullopt;
         return "PCMU, PCMA, L16 or G722";
       }},
  };
  return list;
}

std::optional<providers::event_kind> event_kind_of(telnyx::event_kind k) {
  switch (k) {
    case telnyx::event_kind::call_answered:
      return providers::event_kind::answered;
    case telnyx::event_kind::call_hangup:
      return providers::event_kind::hangup;
    case telnyx::event_kind::streaming_started:
      return providers::event_kind::stream_started;
    case telnyx::event_kind::streaming_stopped:
      return providers::event_kind::stream_stopped;
    case telnyx::event_kind::streaming_failed:
      return providers::event_kind::stream_failed;
    case telnyx::event_kind::dtmf_received:
      return providers::event_kind::dtmf;
    case telnyx::event_kind::call_initiated:
    case telnyx::event_kind::other:
      break;
  }
  return std::nullopt;
}

http_client_request from(rest_request r) {
  http_client_request req;
  req.method = r.method;
  req.url = std::move(r.url);
  req.headers = std::move(r.headers);
  req.body = std::move(r.body);
  req.timeout = std::chrono::milliseconds(5000);
  return req;
}

class telnyx_provider final : public provider {
 public:
  explicit telnyx_provider(const setting_values& v)
      : public_key_(value_of(v, settings(), "TELNYX_PUBLIC_KEY")),
        api_key_(value_of(v, settings(), "TELNYX_API_KEY")),
        api_base_(value_of(v, settings(), "TELNYX_API_BASE")),
        answer_with_stream_(value_of(v, settings(), "TELNYX_STREAM_MODE") == "answer"),
        codec_(*format_for(upper(value_of(v, settings(), "TELNYX_CODEC")), 16000)) {}

  std::string_view name() const override { return "telnyx"; }
  const providers::traits& traits() const override {
    // Media chunks are numbered and not promised in order; DTMF's documented channel is the
    // call.dtmf.received webhook (the media socket's copy is ignored). The stream is a fork of the
    // call: a closed socket stops the stream, not the call.
    static const providers::traits t = [] {
      providers::traits x;
      x.reorders_media = true;
      x.dtmf = dtmf_source::webhook;
      x.call_outlives_stream = true;
      return x;
    }();
    return t;
  }
  const media_dialect& media() const override { return media_; }

  std::string_view webhook_path() const override { return "/telnyx/webhook"; }

  std::optional<refusal> verify(const http_request& req, const public_base&, std::int64_t unix_now) const override {
    if (public_key_.empty()) return std::nullopt;
    auto check = verify_signature(public_key_, header_or(req.headers, "telnyx-timestamp"),
                                  header_or(req.headers, "telnyx-signature-ed25519"), req.body, unix_now);
    if (check == signature_check::ok) return std::nullopt;
    auto label = std::string(to_string(check));
    return refusal{403, label, label};
  }

  std::optional<webhook> parse(const http_request& req, const public_base& base, std::string* why) const override {
    auto event = parse_webhook(req.body, why);
    if (!event) return std::nullopt;
    if (event->kind == telnyx::event_kind::call_initiated && event->direction == "incoming") {
      auto call = announced_call(event->call_control_id, event->from, event->to, req, base, media_prefix);
      call.session_id = event->call_session_id;
      call.media_format = codec_;
      return webhook{std::move(call)};
    }
    auto kind = event_kind_of(event->kind);
    if (!kind) return webhook{};  // acknowledged and counted, never an error
    return webhook{call_event{event->id, *kind, event->call_control_id, event->call_session_id, event->detail}};
  }

  // The call is answered over REST by its actor (on_created); the webhook only acknowledges.
  http_response admit(const new_call&, const std::string&) const override { return http_response::text(200, "ok\n"); }
  http_response refuse(const new_call&) const override { return http_response::text(200, "ok\n"); }

  // Full or draining: turn the caller away before answering (they hear busy).
  std::optional<http_client_request> reject(const new_call& call) const override {
    if (api_key_.empty()) return std::nullopt;
    http_client_request r;
    r.method = "POST";
    r.url = api_base_ + "/calls/" + percent_encode(call.call_id) + "/actions/reject";
    r.headers = {{"authorization", "Bearer " + api_key_}, {"content-type", "application/json"}};
    r.body = R"({"cause":"USER_BUSY"})";
    r.timeout = std::chrono::milliseconds(5000);
    return r;
  }

  std::vector<std::string> webhook_results() const override {
    std::vector<std::string> out = {"event", "ignored", "duplicate", "unknown_call"};
    for (auto check : {signature_check::missing_headers, signature_check::bad_timestamp, signature_check::stale,
                       signature_check::bad_signature})
      out.emplace_back(to_string(check));
    return out;
  }

  std::string_view media_path() const override { return media_prefix; }

  std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base&) const override {
    auto path = req.path();
    auto token = path.size() > media_prefix.size() ? std::string(path.substr(media_prefix.size() + 1)) : std::string();
    auto header = header_or(req.headers, "x-telnyx-streaming-auth-token");
    if (!header.empty() && !crypto::constant_time_equal(header, token))
      return refusal{403, "token_mismatch", "x-telnyx-streaming-auth-token differs from the URL's token"};
    return token;
  }

  std::vector<std::string> upgrade_refusals() const override { return {"token_mismatch"}; }

  std::optional<http_client_request> on_created(const new_call& call, const std::string& token) const override {
    if (!answer_with_stream_) return std::nullopt;
    return from(answer(api_base_, api_key_, call.call_id, stream(call, token)));
  }

  std::optional<http_client_request> on_answered(const new_call& call, const std::string& token) const override {
    // The answer cannot start every codec's stream (answer_can_stream); a call answered elsewhere has none.
    if (answer_with_stream_ && answer_can_stream(call.media_format)) return std::nullopt;
    return from(streaming_start(api_base_, api_key_, call.call_id, stream(call, token)));
  }

  std::optional<http_client_request> hangup(const std::string& call_id) const override {
    if (api_key_.empty()) return std::nullopt;
    return from(telnyx::hangup(api_base_, api_key_, call_id));
  }

  // Errors are logged with Telnyx's code; a 422/90018 means the call is already over.
  rest_verdict judge(const std::string& id, std::string_view what, const http_client_response& r) const override {
    if (r.ok()) {
      spdlog::info("call={} telnyx {} accepted", id, what);
      return rest_verdict::accepted;
    }
    if (!r.error.empty()) {
      spdlog::error("call={} telnyx {} failed: {}", id, what, r.error);
      return rest_verdict::failed;
    }
    auto e = describe_error(r.status, r.body);
    if (e.call_already_ended) {
      spdlog::info("call={} telnyx {}: the call has already ended (422/90018)", id, what);
      return rest_verdict::call_gone;
    }
    if (!e.unreadable_body.empty())
      spdlog::error("call={} telnyx {} refused: status={} with a body that is not Telnyx's error JSON body={}", id,
                    what, e.status, net::quoted{e.unreadable_body});
    else
      spdlog::error("call={} telnyx {} refused: status={} code={} title={}", id, what, e.status, net::token{e.code},
                    net::quoted{e.title});
    return e.status == 401 ? rest_verdict::key_refused : rest_verdict::failed;
  }

  std::vector<std::string> warnings() const override {
    if (!public_key_.empty()) return {};
    return {"TELNYX_PUBLIC_KEY is not set: Telnyx webhook signatures are NOT verified. "
            "Set it before taking real Telnyx calls."};
  }

  std::vector<std::string> endpoints(const public_base& base) const override {
    return {"Telnyx webhook (POST):       " + base.http_url(webhook_path()),
            "Telnyx media stream:         " + base.ws_url(media_prefix) + "/<per-call token>"};
  }

 private:
  // The stream the call's REST answer asks for: the token in the URL's path and as its auth token;
  // client_state the call's routing data (small, base64 as Telnyx requires).
  stream_settings stream(const new_call& call, const std::string& token) const {
    std::string state = "{";
    for (const auto& [k, v] : call.parameters) {
      std::string pair = (state.size() > 1 ? "," : "") + json::quote(k) + ":" + json::quote(v);
      if (state.size() + pair.size() > 512) break;
      state += pair;
    }
    state += "}";
    return {call.media_url + token, token, call.media_format,
            state == "{}" ? std::string() : codecs::base64::encode(state)};
  }

  std::string public_key_;
  std::string api_key_;
  std::string api_base_;
  bool answer_with_stream_;
  codecs::audio_format codec_;
  media_codec media_;
};

}  // namespace

providers::descriptor descriptor() {
  return {"telnyx", "Telnyx Call Control with media streaming: REST answer, PCMU/PCMA/L16/G722, marks and clear",
          settings(), [](const setting_values& v) { return std::make_unique<telnyx_provider>(v); }};
}

}  // namespace voxgate::net::telnyx
