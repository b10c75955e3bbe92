// Twilio's voice webhook: any form body into a typed voice_webhook; the simulated caller's form reads back.
#include <fuzzer/FuzzedDataProvider.h>

#include "net/providers/twilio/webhook.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace net = voxgate::net;
namespace twilio = voxgate::net::twilio;
namespace sim = voxgate::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = voxgate::fuzz::as_text(data, size);
  std::string why;
  auto hook = twilio::parse_voice_webhook(body, &why);
  auto form = net::parse_form(body);
  if (hook) {
    FUZZ_CHECK(twilio::is_call_sid(hook->call_sid) && form && hook->form == *form);
    FUZZ_CHECK(*net::find_param(*form, "CallSid") == hook->call_sid);
  } else {
    FUZZ_CHECK(!why.empty());
  }

  FuzzedDataProvider in(data, size);
  auto sid = in.ConsumeRandomLengthString(40);
  auto encoded = net::encode_form(sim::twilio::voice_webhook_form(sid));
  hook = twilio::parse_voice_webhook(encoded, nullptr);
  FUZZ_CHECK(hook.has_value() == twilio::is_call_sid(sid));
  if (hook) FUZZ_CHECK(hook->call_sid == sid && hook->account_sid == sim::twilio::simulated_account_sid);
  return 0;
}
