#include "net/providers/twilio/rest.hpp"

#include "codecs/base64.hpp"
#include "net/url.hpp"

namespace voxgate::net::twilio {

rest_request hangup_call(std::string_view api_base, std::string_view account_sid, std::string_view auth_token,
                         std::string_view call_sid) {
  rest_request r;
  r.method = "POST";
  std::string base(api_base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  r.url = base + "/Accounts/" + percent_encode(account_sid) + "/Calls/" + percent_encode(call_sid) + ".json";
  std::string credentials = std::string(account_sid) + ":" + std::string(auth_token);
  r.headers.emplace_back("authorization", "Basic " + codecs::base64::encode(credentials));
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.body = "Status=completed";
  return r;
}

}  // namespace voxgate::net::twilio
