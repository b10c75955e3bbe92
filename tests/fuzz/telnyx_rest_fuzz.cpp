// Telnyx REST error answers: describe_error over any status and body.
#include <fuzzer/FuzzedDataProvider.h>

#include "net/providers/telnyx/rest.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace telnyx = voxgate::net::telnyx;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto status = in.ConsumeIntegralInRange<unsigned>(100, 599);  // from the input's end: the body stays intact
  auto body = in.ConsumeRemainingBytesAsString();
  auto e = telnyx::describe_error(status, body);
  FUZZ_CHECK(e.status == status);
  FUZZ_CHECK(e.call_already_ended == (status == 422 && e.code == "90018"));
  FUZZ_CHECK(e.retryable == (status == 429 || status >= 500));
  FUZZ_CHECK(e.code.size() <= body.size() && e.title.size() <= body.size());
  return 0;
}
