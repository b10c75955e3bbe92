#include "net/providers/plivo/rest.hpp"

#include <algorithm>
#include <cctype>

#include "codecs/base64.hpp"
#include "net/providers/plivo/webhook.hpp"

namespace voxgate::net::plivo {

std::optional<http_client_request> hangup_call(std::string_view api_base, std::string_view auth_id,
                                               std::string_view auth_token, std::string_view call_uuid) {
  bool id_ok =
      !auth_id.empty() && std::all_of(auth_id.begin(), auth_id.end(), [](unsigned char c) { return std::isalnum(c); });
  if (!is_call_uuid(call_uuid) || !id_ok || auth_token.empty()) return std::nullopt;
  std::string base(api_base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  http_client_request r;
  r.method = "DELETE";
  r.url = base + "/Account/" + std::string(auth_id) + "/Call/" + std::string(call_uuid) + "/";
  r.headers.emplace_back("authorization",
                         "Basic " + codecs::base64::encode(std::string(auth_id) + ":" + std::string(auth_token)));
  r.timeout = std::chrono::milliseconds(5000);
  return r;
}

}  // namespace voxgate::net::plivo
