#include "actors/providers.hpp"

#include "net/twilio/media.hpp"
#include "net/twilio/rest.hpp"

namespace voxgate::actors {

std::string_view to_string(provider_kind p) {
  switch (p) {
    case provider_kind::twilio: return "twilio";
    case provider_kind::telnyx: return "telnyx";
  }
  return "?";
}

const net::media_dialect& dialect_for(provider_kind provider) {
  static const net::twilio::media_codec twilio;
  switch (provider) {
    case provider_kind::twilio: return twilio;
    case provider_kind::telnyx: break;
  }
  return twilio;
}

std::optional<net::http_client_request> hangup_request(const call_env& env, provider_kind provider,
                                                       const std::string& call_id) {
  if (provider != provider_kind::twilio || env.twilio_account_sid.empty() || env.twilio_auth_token.empty())
    return std::nullopt;
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
