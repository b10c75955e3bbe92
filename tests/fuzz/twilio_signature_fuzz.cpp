// X-Twilio-Signature: the signature input (URL + sorted form pairs) and its verification, with any
// auth token, URL, form body and header.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>

#include "codecs/base64.hpp"
#include "net/providers/twilio/signature.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;
namespace twilio = voxgate::net::twilio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto token = in.ConsumeRandomLengthString(40);
  auto url = in.ConsumeRandomLengthString(200);
  auto header = in.ConsumeRandomLengthString(40);
  auto body = in.ConsumeRemainingBytesAsString();
  auto form = net::parse_form(body).value_or(net::param_list{});

  bool header_ok = twilio::verify_signature(token, url, form, header);
  auto sig = twilio::compute_signature(token, url, form);
  FUZZ_CHECK(sig.size() == 28 && voxgate::codecs::base64::decode(sig)->size() == 20);
  if (header_ok) FUZZ_CHECK(!header.empty());
  FUZZ_CHECK(twilio::verify_signature(token, url, form, sig));
  FUZZ_CHECK(!twilio::verify_signature(token, url, form, ""));
  // The order the fields arrive in does not matter.
  std::reverse(form.begin(), form.end());
  FUZZ_CHECK(twilio::compute_signature(token, url, form) == sig);
  // Nor does a default port made explicit, when the URL has none.
  if (auto u = net::parse_url(url); u && u->port == 0) {
    auto sep = url.find("://") + 3;
    auto end = url.find_first_of("/?", sep);
    std::string with_port = url.substr(0, sep) + u->host + (u->tls() ? ":443" : ":80") +
                            (end == std::string::npos ? std::string{} : url.substr(end));
    FUZZ_CHECK(twilio::verify_signature(token, url, form, twilio::compute_signature(token, with_port, form)));
  }
  return 0;
}
