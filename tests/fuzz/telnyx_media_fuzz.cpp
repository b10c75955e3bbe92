// Telnyx media-streaming frames: any text through media_codec::parse, and every message the simulated
// Telnyx side and the gateway build read back field for field.
#include <fuzzer/FuzzedDataProvider.h>

#include "codecs/base64.hpp"
#include "net/providers/telnyx/media.hpp"
#include "net/providers/telnyx/webhook.hpp"
#include "tests/fuzz/media_check.hpp"
#include "tools/sim/telnyx_caller.hpp"

namespace net = voxgate::net;
namespace telnyx = voxgate::net::telnyx;
namespace sim = voxgate::sim;
using voxgate::fuzz::parse_and_check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const telnyx::media_codec codec;
  std::string frame(voxgate::fuzz::as_text(data, size));
  net::media_event ev;
  auto err = parse_and_check(codec, frame, ev);
  if (err.empty() && ev.kind == net::media_kind::start) FUZZ_CHECK(telnyx::codec_name(ev.start->format).size() >= 3);

  FuzzedDataProvider in(data, size);
  auto stream_id = in.ConsumeRandomLengthString(64);
  auto ccid = in.ConsumeRandomLengthString(80);
  auto session = in.ConsumeRandomLengthString(40);
  auto name = in.ConsumeRandomLengthString(64);
  std::string encoding = in.ConsumeBool() ? in.PickValueInArray({"PCMU", "PCMA", "G722", "L16"})
                                          : in.ConsumeRandomLengthString(8);
  auto sequence = in.ConsumeIntegral<std::uint64_t>();
  auto chunk = in.ConsumeIntegral<std::uint64_t>();
  auto audio = in.ConsumeRemainingBytes<std::uint8_t>();
  std::string_view raw(reinterpret_cast<const char*>(audio.data()), audio.size());

  auto msg = sim::telnyx::start_message(stream_id, sequence, ccid, session, encoding);
  err = parse_and_check(codec, msg, ev);
  auto format = telnyx::format_for(encoding, 8000);
  if (!telnyx::is_telnyx_id(ccid) || (!session.empty() && !telnyx::is_telnyx_id(session)) || !format) {
    FUZZ_CHECK(!err.empty());
  } else {
    FUZZ_CHECK(err.empty() && ev.kind == net::media_kind::start && ev.sequence == sequence);
    FUZZ_CHECK(ev.start->stream_id == stream_id && ev.start->call_id == ccid && ev.start->session_id == session);
    FUZZ_CHECK(ev.start->format == *format);
  }

  msg = sim::telnyx::media_message(stream_id, sequence, chunk, raw);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::media);
  FUZZ_CHECK(ev.sequence == sequence && ev.chunk == chunk && voxgate::codecs::base64::decode(ev.payload) == raw);
  msg.clear();
  codec.build_media(stream_id, audio, msg);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::media);
  FUZZ_CHECK(voxgate::codecs::base64::decode(ev.payload) == raw);

  msg = sim::telnyx::mark_echo(stream_id, name);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::mark && ev.text == name);
  msg = codec.build_mark(stream_id, name);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::mark && ev.text == name);
  msg = sim::telnyx::stop_message(stream_id, sequence);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::stop && ev.sequence == sequence);
  msg = codec.build_clear(stream_id);
  FUZZ_CHECK(parse_and_check(codec, msg, ev).empty() && ev.kind == net::media_kind::ignored);
  return 0;
}
