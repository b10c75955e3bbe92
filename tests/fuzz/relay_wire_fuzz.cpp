// The cluster relay's messages (cluster/wire): what a peer sends is either refused with a reason or
// decodes to a message that encodes back to bytes decoding to the same message; events likewise.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "cluster/wire.hpp"
#include "net/providers/registry.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace cluster = voxgate::cluster;

namespace {

const voxgate::net::providers::set providers{{}};
const cluster::provider_lookup by_name = [](std::string_view name) { return providers.find(name); };

bool same(const cluster::wire_message& a, const cluster::wire_message& b) {
  return a.kind == b.kind && a.channel == b.channel && a.body == b.body &&
         (a.kind != cluster::wire_kind::open || (a.provider == b.provider && a.token == b.token));
}

bool same(const voxgate::actors::provider_event& a, const voxgate::actors::provider_event& b) {
  return a.provider == b.provider && a.event_id == b.event_id && a.kind == b.kind && a.call_id == b.call_id &&
         a.session_id == b.session_id && a.detail == b.detail;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto message = in.ConsumeRandomLengthString(1 << 16);
  auto event = in.ConsumeRemainingBytesAsString();

  std::string why;
  auto taken = cluster::decode(std::string(message), nullptr);  // the relay's path, taking the buffer
  if (auto m = cluster::decode(message, &why)) {
    FUZZ_CHECK(taken && same(*m, *taken));
    FUZZ_CHECK(m->token.size() <= cluster::max_token_bytes);
    auto again = cluster::decode(cluster::encode(*m), nullptr);
    FUZZ_CHECK(again && same(*m, *again));
  } else {
    FUZZ_CHECK(!why.empty() && !taken);
  }

  why.clear();
  if (auto ev = cluster::decode_event(event, by_name, &why)) {
    FUZZ_CHECK(ev->relayed && !ev->call_id.empty());
    auto again = cluster::decode_event(cluster::encode_event(*ev), by_name, nullptr);
    FUZZ_CHECK(again && same(*ev, *again));
  } else {
    FUZZ_CHECK(!why.empty());
  }
  return 0;
}
