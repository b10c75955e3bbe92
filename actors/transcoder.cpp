#include "actors/transcoder.hpp"

#include "codecs/transcoder.hpp"

namespace voxgate::actors {
namespace {

struct transcoder_state {
  static inline const char* name = "transcoder";
  std::optional<codecs::transcoder> up;    // provider -> AI
  std::optional<codecs::transcoder> down;  // AI -> provider
  ai_audio_sink call;
  caller_audio_sink ai;
  actor_metrics am{};
  ~transcoder_state() {
    if (am.live) am.live->sub();
  }
};

transcoder_actor::behavior_type transcoder_behavior(transcoder_actor::stateful_pointer<transcoder_state> self,
                                                    call_env_ptr env, codecs::audio_format provider_format,
                                                    codecs::audio_format ai_format, ai_audio_sink call) {
  auto& st = self->state;
  st.up.emplace(provider_format, ai_format);
  st.down.emplace(ai_format, provider_format);
  st.call = std::move(call);
  st.am = env->metrics->for_actor("transcoder");
  st.am.live->add();
  return {
      [self](caller_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        if (!st.ai) return;  // told of its AI session before the call sends audio: never so
        audio_chunk out{st.up->to(), {}, {}};
        st.up->convert(chunk.bytes, out.bytes);
        if (!out.bytes.empty()) self->send(st.ai, caller_atom::value, std::move(out));
      },
      [self](ai_audio_atom, audio_chunk& chunk) {
        auto& st = self->state;
        st.am.handled->inc();
        audio_chunk out{st.down->to(), {}, std::move(chunk.item_id)};
        st.down->convert(chunk.bytes, out.bytes);
        if (!out.bytes.empty()) self->send(st.call, ai_audio_atom::value, std::move(out));
      },
      [self](to_ai_atom, caller_audio_sink& ai) { self->state.ai = std::move(ai); },
  };
}

}  // namespace

transcoder_actor spawn_transcoder(caf::actor_system& sys, call_env_ptr env, codecs::audio_format provider_format,
                                  codecs::audio_format ai_format, ai_audio_sink call) {
  return sys.spawn(transcoder_behavior, std::move(env), provider_format, ai_format, std::move(call));
}

}  // namespace voxgate::actors
