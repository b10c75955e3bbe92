// Asterisk AudioSocket's TLV frames: any bytes cut into frames by the reassembler (split where the
// input says) and each frame through media_codec::parse_binary; the gateway's own audio frames read back.
#include <fuzzer/FuzzedDataProvider.h>

#include "net/providers/audiosocket/media.hpp"
#include "net/tlv_assembler.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;
namespace audiosocket = voxgate::net::audiosocket;

namespace {

// A parsed frame's shape: its views inside the frame, a start with its UUID, one digit for DTMF.
void parse_and_check(const audiosocket::media_codec& codec, std::string& frame) {
  net::media_event ev;
  std::string_view whole(frame);
  if (!codec.parse_binary(frame, ev).empty()) return;
  FUZZ_CHECK(frame.size() >= 3);
  switch (ev.kind) {
    case net::media_kind::start:
      FUZZ_CHECK(ev.start && audiosocket::parse_uuid(ev.start->call_id));
      break;
    case net::media_kind::media:
      FUZZ_CHECK(ev.raw_audio && voxgate::fuzz::inside(ev.payload, whole) && !ev.payload.empty() &&
                 ev.payload.size() % 2 == 0);
      break;
    case net::media_kind::dtmf:
      FUZZ_CHECK(ev.text.size() == 1 && voxgate::fuzz::inside(ev.text, whole));
      break;
    case net::media_kind::stop:
      FUZZ_CHECK(!ev.start);
      break;
    default:
      FUZZ_CHECK(false);  // no other kind comes out of AudioSocket
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const audiosocket::media_codec codec(in.ConsumeBool() ? 8000 : 16000);
  net::tlv_assembler frames(in.ConsumeIntegralInRange<std::size_t>(0, net::max_tlv_payload));
  std::string frame;
  std::size_t total = 0;
  while (in.remaining_bytes() > 0) {
    auto piece = in.ConsumeRandomLengthString(512);
    total += piece.size();
    frames.append(piece);
    while (frames.next(frame)) {
      FUZZ_CHECK(frame.size() >= net::tlv_header_bytes && frame.size() <= total);
      parse_and_check(codec, frame);
    }
    FUZZ_CHECK(frames.buffered() <= total);
  }

  // Whatever audio the gateway sends leaves as whole 20 ms frames that read back as that audio.
  std::string audio(reinterpret_cast<const char*>(data), size);
  std::string out;
  codec.build_media("s", {reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()}, out);
  net::tlv_assembler back;
  back.append(out);
  std::string heard;
  while (back.next(frame)) {
    net::media_event ev;
    FUZZ_CHECK(codec.parse_binary(frame, ev).empty() && ev.kind == net::media_kind::media);
    heard.append(ev.payload);
  }
  FUZZ_CHECK(back.buffered() == 0 && heard.substr(0, audio.size()) == audio);
  FUZZ_CHECK(heard.find_first_not_of('\0', audio.size()) == std::string::npos);
  return 0;
}
