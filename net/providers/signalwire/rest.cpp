#include "net/providers/signalwire/rest.hpp"

#include "codecs/base64.hpp"
#include "net/url.hpp"

namespace voxgate::net::signalwire {

namespace {
constexpr std::string_view api_path = "/api/laml/2010-04-01";
}

std::string api_base(std::string_view space_url) {
  std::string base(space_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() < api_path.size() || base.compare(base.size() - api_path.size(), api_path.size(), api_path) != 0)
    base += api_path;
  return base;
}

http_client_request hangup_call(std::string_view space_url, std::string_view project_id, std::string_view api_token,
                                std::string_view call_sid) {
  http_client_request r;
  r.method = "POST";
  r.url = api_base(space_url) + "/Accounts/" + percent_encode(project_id) + "/Calls/" + percent_encode(call_sid);
  r.headers.emplace_back("authorization",
                         "Basic " + codecs::base64::encode(std::string(project_id) + ":" + std::string(api_token)));
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.body = "Status=completed";
  r.timeout = std::chrono::milliseconds(5000);
  return r;
}

}  // namespace voxgate::net::signalwire
