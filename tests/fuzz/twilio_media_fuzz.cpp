// Twilio Media Streams frames: any text through media_codec::parse, and every message the simulated
// Twilio side builds (start, media, mark, dtmf, stop) and the gateway builds read back field for field.
#include <fuzzer/FuzzedDataProvider.h>

#include "codecs/base64.hpp"
#include "net/providers/twilio/media.hpp"
#include "tests/fuzz/media_check.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace net = voxgate::net;
namespace twilio = voxgate::net::twilio;
namespace sim = voxgate::sim;
using voxgate::fuzz::parse_and_check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const twilio::media_codec codec;
  std::string frame(voxgate::fuzz::as_text(data, size));
  net::media_event ev;
  parse_and_check(codec, frame, ev);

  FuzzedDataProvider in(data, size);
  auto sid = in.ConsumeRandomLengthString(64);
  auto call_sid = in.ConsumeRandomLengthString(40);
  auto name = in.ConsumeRandomLengthString(64);
  auto sequence = in.ConsumeIntegral<std::uint64_t>();
  auto chunk = in.ConsumeIntegral<std::uint64_t>();
  net::param_list params;
  for (auto n = in.ConsumeIntegralInRange<int>(0, 3); n > 0; --n) {
    auto k = in.ConsumeRandomLengthString(32);  // named: argument order is unspecified
    params.emplace_back(std::move(k), in.ConsumeRandomLengthString(64));
  }
  auto audio = in.ConsumeRemainingBytes<std::uint8_t>();
  std::string_view raw(reinterpret_cast<const char*>(audio.data()), audio.size());

  auto msg = sim::twilio::start_message(sid, call_sid, params);
  auto err = parse_and_check(codec, msg, ev);
  if (sid.empty() || call_sid.empty()) {
    FUZZ_CHECK(!err.empty());
  } else {
    FUZZ_CHECK(err.empty() && ev.kind == net::media_kind::start);
    FUZZ_CHECK(ev.start->stream_id == sid && ev.start->call_id == call_sid && ev.start->custom_parameters == params);
  }

  msg = sim::twilio::media_message(sid, sequence, chunk, raw);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::media);
  FUZZ_CHECK(ev.sequence == sequence && ev.chunk == chunk && voxgate::codecs::base64::decode(ev.payload) == raw);

  msg.clear();
  codec.build_media(sid, audio, msg);  // what the gateway sends reads as what Twilio sends
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::media);
  FUZZ_CHECK(voxgate::codecs::base64::decode(ev.payload) == raw);

  msg = sim::twilio::mark_echo(sid, name);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::mark && ev.text == name);
  msg = codec.build_mark(sid, name);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::mark && ev.text == name);

  msg = sim::twilio::dtmf_message(sid, sequence, name);
  err = parse_and_check(codec, msg, ev);
  FUZZ_CHECK(err.empty() == (name.size() == 1));
  if (err.empty()) FUZZ_CHECK(ev.kind == net::media_kind::dtmf && ev.text == name && ev.sequence == sequence);

  msg = sim::twilio::stop_message(sid, sequence, call_sid);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::stop);
  msg = codec.build_clear(sid);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::ignored && ev.text == "clear");
  return 0;
}
