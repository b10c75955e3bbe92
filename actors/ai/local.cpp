// The built-in local agent: no key, no network. It greets with a short spoken prompt, listens with a
// simple energy VAD, and after the caller pauses plays their words back. Enough to hear a call end
// to end, to exercise barge-in (it reports speech like a real AI), and to load-test the gateway.
#include <spdlog/spdlog.h>

#include <cmath>
#include <vector>

#include "actors/ai/local.hpp"
#include "actors/prompts.hpp"
#include "codecs/g711.hpp"
#include "codecs/pcm16.hpp"

namespace voxgate::actors::ai {
namespace {

std::vector<std::int16_t> decode(const codecs::audio_format& f, const std::string& bytes) {
  auto in = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  std::vector<std::int16_t> out(bytes.size());
  switch (f.enc) {
    case codecs::encoding::pcmu:
      codecs::g711::decode_ulaw(in, out);
      break;
    case codecs::encoding::pcma:
      codecs::g711::decode_alaw(in, out);
      break;
    case codecs::encoding::pcm16:
      out.resize(codecs::pcm16::from_bytes(in, out));
      break;
    case codecs::encoding::l16:
    case codecs::encoding::g722:
      break;  // never an AI format (AI_AUDIO_FORMAT is pcmu, pcma or pcm16)
  }
  return out;
}

std::string encode(const codecs::audio_format& f, const std::vector<std::int16_t>& samples) {
  std::string out(samples.size() * f.alignment(), '\0');
  auto dst = std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size());
  switch (f.enc) {
    case codecs::encoding::pcmu:
      codecs::g711::encode_ulaw(samples, dst);
      break;
    case codecs::encoding::pcma:
      codecs::g711::encode_alaw(samples, dst);
      break;
    case codecs::encoding::pcm16:
      codecs::pcm16::to_bytes(samples, dst);
      break;
    case codecs::encoding::l16:
    case codecs::encoding::g722:
      break;  // never an AI format
  }
  return out;
}

struct local_state {
  static inline const char* name = "ai_local";
  local_agent_options options;
  ai_session_args args;
  bool speaking = false;
  std::uint32_t loud_chunks = 0;
  std::uint32_t quiet_ms = 0;
  std::string turn;  // the caller's words, to play back
  std::string preroll;
  std::uint32_t replies = 0;
  actor_metrics am{};
  ~local_state() {
    if (am.live) am.live->sub();
  }
};

using local_pointer = ai_session_internal::stateful_pointer<local_state>;

void speak(local_pointer self, const std::string& item_id, const std::string& audio) {
  auto& st = self->state;
  std::size_t chunk = 100 * st.args.format.bytes_per_ms();
  for (std::size_t at = 0; at < audio.size(); at += chunk)
    self->send(st.args.audio, ai_audio_atom::value, audio_chunk{st.args.format, audio.substr(at, chunk), item_id});
  self->send(st.args.listener, ai_state_atom::value, ai_state::response_done);
}

void hear(local_pointer self, audio_chunk& chunk) {
  auto& st = self->state;
  auto samples = decode(chunk.format, chunk.bytes);
  double level = codecs::pcm16::rms(samples);
  std::uint32_t ms = chunk.format.bytes_to_ms(chunk.bytes.size());
  std::size_t max_bytes = st.options.max_turn_ms * chunk.format.bytes_per_ms();
  if (!st.speaking) {
    if (level > st.options.speech_rms) {
      st.preroll += chunk.bytes;
      if (++st.loud_chunks >= 2) {
        st.speaking = true;
        st.quiet_ms = 0;
        st.turn = std::move(st.preroll);
        st.preroll.clear();
        self->send(st.args.listener, speech_atom::value);
      }
    } else {
      st.loud_chunks = 0;
      st.preroll.clear();
    }
    return;
  }
  if (st.turn.size() + chunk.bytes.size() <= max_bytes) st.turn += chunk.bytes;
  st.quiet_ms = level > st.options.speech_rms ? 0 : st.quiet_ms + ms;
  if (st.quiet_ms < st.options.end_of_turn_ms) return;
  st.speaking = false;
  st.loud_chunks = 0;
  self->send(st.args.listener, ai_state_atom::value, ai_state::speech_stopped);
  speak(self, "local-" + std::to_string(++st.replies), st.turn);
  st.turn.clear();
}

ai_session_internal::behavior_type local_behavior(local_pointer self, local_agent_options options, ai_session_args args) {
  auto& st = self->state;
  st.options = options;
  st.args = std::move(args);
  st.am = st.options.metrics->for_actor("ai_local");
  st.am.live->add();
  self->send(st.args.listener, ai_state_atom::value, ai_state::ready);
  if (st.args.agent.greet_first) speak(self, "local-greeting", prompts::encoded(prompts::prompt::greeting, st.args.format));
  return {
      [self](caller_atom, audio_chunk& chunk) {
        self->state.am.handled->inc();
        hear(self, chunk);
      },
      [self](truncate_atom, std::string& item_id, std::uint32_t ms) {
        self->state.am.handled->inc();
        spdlog::debug("call={} local agent: item {} heard for {} ms", self->state.args.call_id, item_id, ms);
      },
      [self](tool_done_atom, tool_result&) { self->state.am.handled->inc(); },
      [self](to_call_atom, ai_audio_sink& sink) { self->state.args.audio = std::move(sink); },
      [self](dtmf_atom, std::string&) {
        self->state.am.handled->inc();
        auto f = self->state.args.format;
        std::vector<std::int16_t> beep(f.sample_rate / 5);
        for (std::size_t i = 0; i < beep.size(); ++i)
          beep[i] =
              static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * 1000.0 * static_cast<double>(i) / f.sample_rate));
        speak(self, "local-dtmf-" + std::to_string(++self->state.replies), encode(f, beep));
      },
      [self](ai_open_atom, net::ws_channel_ptr&, std::string&) { self->state.am.handled->inc(); },
      [self](ai_frame_atom, std::string&) { self->state.am.handled->inc(); },
      [self](ai_closed_atom, std::string&) { self->state.am.handled->inc(); },
      [self](tick_atom) { self->state.am.handled->inc(); },
  };
}

}  // namespace

ai_session_actor spawn_local_session(caf::actor_system& sys, local_agent_options options, ai_session_args args) {
  return sys.spawn(local_behavior, options, std::move(args));
}

backend local_backend() {
  backend b;
  b.name = "local";
  b.summary = "the built-in local agent: no key, no network; greets, then plays the caller's words back";
  b.actor = local_state::name;
  b.settings = {ai_audio_format_setting()};
  b.start = [](const process_context& p) {
    local_agent_options o;
    o.metrics = p.metrics;
    runtime r;
    r.spawn = [o](caf::actor_system& sys, ai_session_args args) { return spawn_local_session(sys, o, std::move(args)); };
    r.format_for = g711_when_both_speak_it(ai_audio_format(value_of(p.values, "AI_AUDIO_FORMAT")));
    r.turn_silence = std::chrono::milliseconds(o.end_of_turn_ms);
    return r;
  };
  return b;
}

}  // namespace voxgate::actors::ai
