// The public base URL: PUBLIC_URL validated and normalised, or derived from proxy headers.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "net/public_url.hpp"
#include "net/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;

namespace {

void check_config(std::string_view text) {
  std::string why;
  auto base = net::public_base_from_config(text, &why);
  if (!base) {
    FUZZ_CHECK(!why.empty());
    return;
  }
  bool tls = base->http.starts_with("https://");
  FUZZ_CHECK(tls || base->http.starts_with("http://"));
  FUZZ_CHECK(base->ws == (tls ? "wss" : "ws") + base->http.substr(tls ? 5 : 4));
  FUZZ_CHECK(base->http.back() != '/' && base->http.find_first_of("?#") == std::string::npos);
  auto u = net::parse_url(base->http);
  FUZZ_CHECK(u && u->query().empty());
  // Normalising twice changes nothing.
  auto again = net::public_base_from_config(base->http, nullptr);
  FUZZ_CHECK(again && again->http == base->http && again->ws == base->ws);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_config(voxgate::fuzz::as_text(data, size));

  FuzzedDataProvider in(data, size);
  bool listener_tls = in.ConsumeBool();
  net::header_list headers;
  static constexpr const char* names[] = {"host", "x-forwarded-proto", "x-forwarded-host", "X-Forwarded-Host"};
  while (in.remaining_bytes() > 0 && headers.size() < 8) {
    auto pick = in.ConsumeIntegralInRange<std::size_t>(0, 4);
    std::string name = pick < 4 ? names[pick] : in.ConsumeRandomLengthString(24);
    headers.emplace_back(std::move(name), in.ConsumeRandomLengthString(128));
  }
  auto base = net::derive_public_base(headers, listener_tls);
  bool tls = base.http.starts_with("https://");
  FUZZ_CHECK(tls || base.http.starts_with("http://"));
  FUZZ_CHECK(base.ws == (tls ? "wss" : "ws") + base.http.substr(tls ? 5 : 4));
  FUZZ_CHECK(!base.how.empty());
  return 0;
}
