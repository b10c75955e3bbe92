// Telnyx webhook signatures: header parsing (timestamp, base64 key and signature, replay window) over
// any input, and sign -> verify with a fixed Ed25519 key. Ed25519 costs ~100 us, so the expensive
// verify runs only when the headers parse; the sign -> verify round trip only on inputs whose first
// byte asks for it, so the target still reaches millions of executions.
#include <fuzzer/FuzzedDataProvider.h>

#include <charconv>
#include <string>

#include "codecs/base64.hpp"
#include "net/providers/telnyx/signature.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/sim/telnyx_caller.hpp"

namespace telnyx = voxgate::net::telnyx;
namespace sim = voxgate::sim;
using telnyx::signature_check;

namespace {

// A test key made for this target only (openssl genpkey -algorithm ed25519); it signs nothing real.
constexpr std::string_view fuzz_key_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIEY5lK+r1piXgvTabS5IVVSb0orwEFZuP56toG871lNn\n"
    "-----END PRIVATE KEY-----\n";

const sim::telnyx::signing_key& key() {
  static const auto k = sim::telnyx::signing_key::from_pem(fuzz_key_pem);
  FUZZ_CHECK(k.has_value());
  return *k;
}

std::optional<std::int64_t> digits(std::string_view ts) {
  std::int64_t t = 0;
  auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
  if (ts.empty() || ec != std::errc{} || p != ts.data() + ts.size() || ts.front() == '-') return std::nullopt;
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string public_key = key().public_key_b64();
  FUZZ_CHECK(telnyx::valid_public_key(public_key));

  FuzzedDataProvider in(data, size);
  bool round_trip = size > 0 && (data[0] & 7) == 0;
  in.ConsumeIntegral<std::uint8_t>();
  // Unix times up to 2100, as a clock gives; tolerance as configured, 300 s by default.
  auto now = in.ConsumeIntegralInRange<std::int64_t>(0, 4'102'444'800);
  auto tolerance = in.ConsumeBool() ? 300 : in.ConsumeIntegralInRange<std::int64_t>(0, 86'400);
  std::string key_b64 = in.ConsumeBool() ? public_key : in.ConsumeRandomLengthString(60);
  auto ts = in.ConsumeRandomLengthString(24);
  auto sig = in.ConsumeRandomLengthString(100);
  auto body = in.ConsumeRemainingBytesAsString();

  auto r = telnyx::verify_signature(key_b64, ts, sig, body, now, tolerance);
  FUZZ_CHECK(!telnyx::to_string(r).empty());
  FUZZ_CHECK((r == signature_check::missing_headers) == (ts.empty() || sig.empty()));
  if (r != signature_check::missing_headers) {
    auto t = digits(ts);
    FUZZ_CHECK((r == signature_check::bad_timestamp) == !t.has_value());
    if (t) {
      bool fresh = *t >= now - tolerance && *t <= now + tolerance;
      FUZZ_CHECK((r == signature_check::stale) == !fresh);
      if (fresh) FUZZ_CHECK((r == signature_check::bad_key) == !telnyx::valid_public_key(key_b64));
    }
  }
  if (r == signature_check::ok) {
    auto raw_sig = voxgate::codecs::base64::decode(sig);
    FUZZ_CHECK(raw_sig && raw_sig->size() == 64);
  }

  if (round_trip) {
    auto stamp = std::to_string(now);
    auto good = key().signature_for(stamp, body);
    FUZZ_CHECK(telnyx::verify_signature(public_key, stamp, good, body, now, tolerance) == signature_check::ok);
    FUZZ_CHECK(telnyx::verify_signature(public_key, stamp, good, body + "x", now, tolerance) ==
               signature_check::bad_signature);
  }
  return 0;
}
