#include "net/providers/provider.hpp"

#include <spdlog/spdlog.h>

namespace voxgate::net::providers {

rest_verdict provider::judge(const std::string& call_id, std::string_view what,
                             const http_client_response& r) const {
  if (r.ok()) {
    spdlog::info("call={} {} REST {} accepted", call_id, name(), what);
    return rest_verdict::accepted;
  }
  spdlog::warn("call={} {} REST {} failed: status={} {}", call_id, name(), what, r.status, r.error);
  if (r.status == 404) return rest_verdict::call_gone;
  if (r.status == 401 || r.status == 403) return rest_verdict::key_refused;
  return rest_verdict::failed;
}

}  // namespace voxgate::net::providers
