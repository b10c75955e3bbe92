// Telnyx Call Control webhooks: any body into a typed webhook_event; the simulated Telnyx side's
// envelope reads back field for field.
#include <fuzzer/FuzzedDataProvider.h>

#include "net/providers/telnyx/webhook.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/sim/telnyx_caller.hpp"

namespace telnyx = voxgate::net::telnyx;
namespace sim = voxgate::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string why;
  auto e = telnyx::parse_webhook(voxgate::fuzz::as_text(data, size), &why);
  if (e) {
    FUZZ_CHECK(!e->id.empty() && !e->event_type.empty());
    FUZZ_CHECK(e->kind == telnyx::event_kind::other || !e->call_control_id.empty());
    for (const auto* call_id : {&e->call_control_id, &e->call_leg_id, &e->call_session_id})
      FUZZ_CHECK(call_id->empty() || telnyx::is_telnyx_id(*call_id));
  } else {
    FUZZ_CHECK(!why.empty());
  }

  FuzzedDataProvider in(data, size);
  auto id = in.ConsumeRandomLengthString(40);
  std::string type = in.ConsumeBool() ? in.PickValueInArray({"call.initiated", "call.answered", "call.hangup",
                                                             "streaming.started", "streaming.failed",
                                                             "call.dtmf.received"})
                                      : in.ConsumeRandomLengthString(30);
  auto ccid = in.ConsumeRandomLengthString(80);
  auto session = in.ConsumeRemainingBytesAsString();
  e = telnyx::parse_webhook(sim::telnyx::webhook_event(id, type, ccid, session), &why);
  if (id.empty() || type.empty()) {
    FUZZ_CHECK(!e);
  } else if (e) {
    FUZZ_CHECK(e->id == id && e->event_type == type && e->call_control_id == ccid && e->call_session_id == session);
    FUZZ_CHECK(e->direction == "incoming" && e->call_leg_id == "leg-1");
  } else {
    // Only a known call event without call_control_id, or ids that are not Telnyx's, are refused.
    FUZZ_CHECK(ccid.empty() || !telnyx::is_telnyx_id(ccid) || (!session.empty() && !telnyx::is_telnyx_id(session)));
  }
  return 0;
}
