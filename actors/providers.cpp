#include "actors/providers.hpp"

#include "actors/call_record.hpp"
#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/telnyx/media.hpp"
#include "net/telnyx/rest.hpp"
#include "net/twilio/media.hpp"
#include "net/twilio/rest.hpp"

namespace voxgate::actors {

std::string_view to_string(provider_kind p) {
  switch (p) {
    case provider_kind::twilio:
      return "twilio";
    case provider_kind::telnyx:
      return "telnyx";
  }
  return "?";
}

const net::media_dialect& dialect_for(provider_kind provider) {
  static const net::twilio::media_codec twilio;
  static const net::telnyx::media_codec telnyx;
  return provider == provider_kind::telnyx ? static_cast<const net::media_dialect&>(telnyx) : twilio;
}

namespace {

net::http_client_request from(net::telnyx::rest_request r) {
  net::http_client_request req;
  req.method = r.method;
  req.url = std::move(r.url);
  req.headers = std::move(r.headers);
  req.body = std::move(r.body);
  req.timeout = std::chrono::milliseconds(5000);
  return req;
}

}  // namespace

net::http_client_request telnyx_stream_request(const call_env& env, const call_record& record, bool answer) {
  // client_state: the call's routing data (the webhook's query parameters), small and base64 as Telnyx requires.
  std::string state = "{";
  for (const auto& [k, v] : record.call.parameters) {
    std::string pair = (state.size() > 1 ? "," : "") + net::json::quote(k) + ":" + net::json::quote(v);
    if (state.size() + pair.size() > 512) break;
    state += pair;
  }
  state += "}";
  net::telnyx::stream_settings s{record.call.media_url + record.token, record.token, record.call.media_format,
                                 state == "{}" ? std::string() : codecs::base64::encode(state)};
  const auto& id = record.call.call_id;
  return from(answer ? net::telnyx::answer(env.telnyx_api_base, env.telnyx_api_key, id, s)
                     : net::telnyx::streaming_start(env.telnyx_api_base, env.telnyx_api_key, id, s));
}

std::optional<net::http_client_request> hangup_request(const call_env& env, provider_kind provider,
                                                       const std::string& call_id) {
  if (provider == provider_kind::telnyx) {
    if (env.telnyx_api_key.empty()) return std::nullopt;
    return from(net::telnyx::hangup(env.telnyx_api_base, env.telnyx_api_key, call_id));
  }
  if (env.twilio_account_sid.empty() || env.twilio_auth_token.empty()) return std::nullopt;
  auto r = net::twilio::hangup_call(env.twilio_api_base, env.twilio_account_sid, env.twilio_auth_token, call_id);
  net::http_client_request req;
  req.method = r.method;
  req.url = r.url;
  req.headers = std::move(r.headers);
  req.body = std::move(r.body);
  req.timeout = std::chrono::milliseconds(5000);
  return req;
}

}  // namespace voxgate::actors
