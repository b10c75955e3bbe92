#include "net/providers/provider.hpp"

#include <spdlog/spdlog.h>

namespace voxgate::net::providers {

new_call announced_call(std::string call_id, std::string from, std::string to, const http_request& req,
                        const public_base& base, std::string_view media_path) {
  new_call call;
  call.call_id = std::move(call_id);
  call.from = std::move(from);
  call.to = std::move(to);
  call.parameters = parse_form(req.query()).value_or(param_list{});
  call.media_url = base.ws_url(media_path) + "/";
  return call;
}

http_response xml_answer(std::string body) {
  http_response r;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

http_response json_answer(std::string body) {
  http_response r;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

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
