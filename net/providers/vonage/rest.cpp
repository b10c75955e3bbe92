#include "net/providers/vonage/rest.hpp"

#include "net/providers/vonage/jwt.hpp"
#include "net/providers/vonage/webhook.hpp"

namespace voxgate::net::vonage {

std::optional<http_client_request> hangup_call(std::string_view api_url, std::string_view application_id,
                                               std::string_view private_key_pem, std::string_view uuid,
                                               std::int64_t unix_now) {
  if (!is_uuid(uuid) || application_id.empty()) return std::nullopt;
  auto token = application_token(private_key_pem, application_id, unix_now);
  if (!token) return std::nullopt;
  std::string base(api_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  http_client_request r;
  r.method = "PUT";
  r.url = base + "/v1/calls/" + std::string(uuid);
  r.headers.emplace_back("authorization", "Bearer " + *token);
  r.headers.emplace_back("content-type", "application/json");
  r.body = R"({"action":"hangup"})";
  r.timeout = std::chrono::milliseconds(5000);
  return r;
}

}  // namespace voxgate::net::vonage
