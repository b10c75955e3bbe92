// Call tokens: verifying any token text, and mint -> verify for any call id and expiry.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "net/call_token.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;

namespace {

constexpr std::string_view secret = "fuzz-secret-0123456789abcdef";

bool path_safe(std::string_view id) {
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == ':' || c == '.'))
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto now = in.ConsumeIntegral<std::int64_t>();
  auto expires = in.ConsumeIntegral<std::int64_t>();
  auto call_id = in.ConsumeRandomLengthString(128);
  auto token = in.ConsumeRemainingBytesAsString();

  std::string id;
  auto r = net::verify_call_token(secret, token, call_id, now, &id);
  FUZZ_CHECK(!net::to_string(r).empty());
  if (r == net::token_check::ok) {
    FUZZ_CHECK(call_id.empty() || id == call_id);
    FUZZ_CHECK(token.starts_with(id + "."));
  }

  auto minted = net::mint_call_token(secret, call_id, expires);
  auto expected = !path_safe(call_id) || call_id.empty() || minted.size() > 512 ? net::token_check::malformed
                  : now > expires                                                ? net::token_check::expired
                                                                                 : net::token_check::ok;
  id.clear();
  FUZZ_CHECK(net::verify_call_token(secret, minted, call_id, now, &id) == expected);
  if (expected == net::token_check::ok) {
    FUZZ_CHECK(id == call_id);
    FUZZ_CHECK(net::verify_call_token(secret, minted, call_id + "x", now) == net::token_check::wrong_call);
    FUZZ_CHECK(net::verify_call_token("other", minted, call_id, now) == net::token_check::bad_signature);
  }
  return 0;
}
