// SignalWire's test values and requests, shared by its unit tests: the signing key and call id of
// docs/providers/signalwire.md's vectors, the provider as the registry makes it, a form POST.
#pragma once

#include <optional>
#include <string>

#include "net/providers/registry.hpp"

namespace voxgate::net::signalwire_testing {


constexpr const char* key = "PSKtest1234567890abcdef";
constexpr const char* call_sid = "76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad";
inline const public_base base{"https://gw.example.com", "wss://gw.example.com", ""};

// docs/providers/signalwire.md §2, the SignalWire-shaped vector (checked with openssl).
inline param_list shaped_form() {
  return {{"AccountSid", "b3877c40-da60-4998-90ad-b792e98472af"},
          {"ApiVersion", "2010-04-01"},
          {"CallSid", call_sid},
          {"CallStatus", "ringing"},
          {"Direction", "inbound"},
          {"From", "+15551234567"},
          {"To", "+18005559876"}};
}

struct made {
  explicit made(setting_values v) : set(v), p(set.find("signalwire")) {}
  providers::set set;
  const providers::provider* p;
};

inline setting_values all_settings() {
  return {{"SIGNALWIRE_SIGNING_KEY", key},
          {"SIGNALWIRE_SPACE_URL", "https://example.signalwire.com"},
          {"SIGNALWIRE_PROJECT_ID", "b3877c40-da60-4998-90ad-b792e98472af"},
          {"SIGNALWIRE_API_TOKEN", "PTsecret"}};
}

inline http_request post(std::string target, const param_list& form, header_list headers = {}) {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.body = encode_form(form);
  return r;
}

inline std::optional<providers::webhook> parse(const providers::provider& p, const http_request& req,
                                        std::string* why = nullptr) {
  return p.parse(req, base, why);
}


}  // namespace voxgate::net::signalwire_testing
