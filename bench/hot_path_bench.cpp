// The per-frame hot path both ways, as pure functions (no sockets, no actor hops):
//   up:   Twilio media text -> parse in place -> base64 decode in place -> OpenAI append text
//   down: OpenAI delta text -> parse in place -> decode in place -> playout -> Twilio media text
// Reports ns per frame and heap allocations per frame (global operator new is counted here).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "actors/playout.hpp"
#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "codecs/resampler.hpp"
#include "net/ai/openai_realtime/client_events.hpp"
#include "net/ai/openai_realtime/server_events.hpp"
#include "net/providers/twilio/media.hpp"

namespace {
std::atomic<std::uint64_t> allocations{0};
}

// None of the three is inlined: GCC would see free() take what malloc() gave through operator new,
// and warn of a new/delete mismatch that is none.
[[gnu::noinline]] void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace voxgate;

namespace {

std::string twilio_media_frame() {
  std::string payload = codecs::base64::encode(std::string(160, '\x55'));
  return R"({"event":"media","sequenceNumber":"42","media":{"track":"inbound","chunk":"41","timestamp":"820","payload":")" +
         payload + R"("},"streamSid":"MZ00000000000000000000000000000001"})";
}

std::string openai_delta(std::size_t bytes) {
  return R"({"type":"response.output_audio.delta","event_id":"event_B4b4ZkJ3","response_id":"resp_B4b4ZkJ3","item_id":"item_B4b4ZkJ3","output_index":0,"content_index":0,"delta":")" +
         codecs::base64::encode(std::string(bytes, '\x55')) + R"("})";
}

void report(benchmark::State& state, std::uint64_t allocs_before) {
  state.counters["allocs/frame"] = benchmark::Counter(static_cast<double>(allocations.load() - allocs_before) /
                                                      static_cast<double>(state.iterations()));
}

// One 20 ms caller frame. The first copy stands for the socket read, which makes the frame's string.
void BM_TwilioFrameToOpenAiAppend(benchmark::State& state) {
  const net::twilio::media_codec twilio;
  const std::string wire = twilio_media_frame();
  auto before = allocations.load();
  for (auto _ : state) {
    std::string frame = wire;  // what the socket hands over
    net::media_event ev;
    if (!twilio.parse(frame, ev).empty()) state.SkipWithError("parse");
    auto n = codecs::base64::decode(ev.payload, reinterpret_cast<std::uint8_t*>(frame.data()));
    frame.resize(*n);
    std::string out;
    net::ai::openai_realtime::input_audio_append({reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size()}, out);
    benchmark::DoNotOptimize(out.data());
  }
  report(state, before);
}
BENCHMARK(BM_TwilioFrameToOpenAiAppend);

// AI audio of `range(0)` bytes (G.711: 8 bytes per ms), out to Twilio as media frames with marks.
void BM_OpenAiDeltaToTwilioMedia(benchmark::State& state) {
  const net::twilio::media_codec twilio;
  const std::string wire = openai_delta(static_cast<std::size_t>(state.range(0)));
  actors::playout play({codecs::audio_format::g711_ulaw(), 1u << 30, 20});  // unbounded lead: measure the work
  std::uint64_t frames = 0;
  std::uint64_t now = 0;
  std::span<const std::uint8_t> audio;
  std::string mark_name;
  auto before = allocations.load();
  for (auto _ : state) {
    std::string text = wire;  // what the socket hands over
    net::ai::openai_realtime::server_event ev;
    if (!net::ai::openai_realtime::parse_server_event(text, ev).empty()) state.SkipWithError("parse");
    auto n = codecs::base64::decode(ev.delta, reinterpret_cast<std::uint8_t*>(text.data()));
    play.push("item_B4b4ZkJ3", {reinterpret_cast<const std::uint8_t*>(text.data()), *n});
    while (play.next(now, audio, mark_name)) {
      std::string media;
      twilio.build_media("MZ00000000000000000000000000000001", audio, media);
      std::string mark = twilio.build_mark("MZ00000000000000000000000000000001", mark_name);
      benchmark::DoNotOptimize(media.data());
      benchmark::DoNotOptimize(mark.data());
      ++frames;
    }
    now += 20;
  }
  // Per Twilio frame sent (20 ms), the unit that matters for capacity.
  state.counters["allocs/twilio_frame"] =
      benchmark::Counter(static_cast<double>(allocations.load() - before) / static_cast<double>(frames));
  state.counters["ns/twilio_frame"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_OpenAiDeltaToTwilioMedia)->Arg(160)->Arg(800)->Arg(4800);

void BM_UlawDecode20ms(benchmark::State& state) {
  std::vector<std::uint8_t> in(160, 0x55);
  std::vector<std::int16_t> out(160);
  for (auto _ : state) {
    codecs::g711::decode_ulaw(in, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_UlawDecode20ms);

void BM_Resample8kTo24k20ms(benchmark::State& state) {
  codecs::resampler r(8000, 24000);
  std::vector<std::int16_t> in(160, 1000), out(r.max_output(160));
  for (auto _ : state) benchmark::DoNotOptimize(r.process(in, out));
}
BENCHMARK(BM_Resample8kTo24k20ms);

}  // namespace

BENCHMARK_MAIN();
