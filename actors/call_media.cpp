// The call's media path: the provider's frames in (decoded, reordered, on to the AI or its
// transcoder), the playout out to the provider (marks, exact frames, self-clocked pacing), barge-in,
// the apology, and where the transcoder sits between the provider's format and the AI's.
#include <spdlog/spdlog.h>

#include "actors/call_state.hpp"
#include "actors/prompts.hpp"
#include "actors/transcoder.hpp"
#include "codecs/base64.hpp"
#include "net/log_value.hpp"

namespace voxgate::actors::call_parts {

// A mark or a clear, where the provider has one.
void send_control(call_state& st, std::string frame) {
  if (!frame.empty()) st.provider->send_text(std::move(frame));
}

// A provider paced by the gateway gets one frame of this length per its length, at most two ahead.
constexpr std::uint32_t paced_frame_ms = 20;

// Feed the provider from the playout queue as far as the lead allows; come back when it drains.
void pump(call_pointer self) {
  auto& st = self->state;
  if (!st.provider || !st.play) return;
  auto now = now_ms(self);
  std::span<const std::uint8_t> audio;  // in the playout's own buffer
  // A provider that takes only exact frames gets each in a message of its own (the playout hands out
  // whole frames).
  auto frame_ms = st.record->call.provider->traits().media_frame_ms;
  while (st.play->next(now, audio, st.chunk_mark)) {
    std::size_t step = frame_ms ? std::size_t{frame_ms} * st.provider_format.bytes_per_ms() : audio.size();
    for (std::size_t at = 0; at < audio.size(); at += step) {
      std::string media;  // owned by the socket's queue from here on
      st.dialect->build_media(st.stream_id, audio.subspan(at, std::min(step, audio.size() - at)), media);
      if (st.dialect->binary_media())
        st.provider->send_binary(std::move(media), true);
      else
        st.provider->send_text(std::move(media), true);
      st.frames_out->inc();
      st.record->frames_out.fetch_add(1, std::memory_order_relaxed);
    }
    if (!st.chunk_mark.empty()) send_control(st, st.dialect->build_mark(st.stream_id, st.chunk_mark));
    if (st.reply_at_ms && st.play->sent_ms() > *st.reply_at_ms) {
      auto waited = std::chrono::duration<double>(self->clock().now() - *st.awaiting_audio_since).count();
      st.env->metrics->ai_first_audio.with({st.env->ai_backend}).observe(waited);
      st.awaiting_audio_since.reset();
      st.reply_at_ms.reset();
    }
  }
  // Paced by the gateway, the clock ticks every half frame for as long as the stream is up.
  bool paced = st.record->call.provider->traits().paced_by_gateway;
  if ((paced || st.play->queued_bytes() > 0) && !st.tick_pending) {
    st.tick_pending = true;
    auto every = paced ? paced_frame_ms / 2 : st.env->playout_chunk_ms / 2;
    self->delayed_send(self, std::chrono::milliseconds(every), tick_atom::value);
  }
  if (st.apologizing && st.play->queued_bytes() == 0) {
    // All of the apology is with the provider: end once the playout clock (and its marks) says it played.
    auto left = st.play->remaining_ms(now);
    if (left == 0) {
      end_call(self, {outcome::ai_failed, {}});
    } else if (!st.tick_pending) {
      st.tick_pending = true;
      self->delayed_send(self, std::chrono::milliseconds(left), tick_atom::value);
    }
  }
}

// The AI could not be reached (it failed before it was ready): rather than a dead line, the caller
// hears a short apology, then the call ends as ai_failed. A media stream not up yet gets a moment.
void apologize(call_pointer self) {
  auto& st = self->state;
  st.apologizing = true;
  if (!st.provider) {
    self->delayed_send(self, st.env->apology_stream_wait, timeout_atom::value);  // ignored once streaming
    return;
  }
  auto audio = prompts::encoded(prompts::prompt::apology, st.provider_format);
  auto ms = st.provider_format.bytes_to_ms(audio.size());
  spdlog::info("call={} the AI cannot be reached: playing the apology ({} ms), then hanging up", st.id, ms);
  st.play->push("apology", {reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()});
  // The bound, should marks never come back.
  self->delayed_send(self, std::chrono::milliseconds(ms) + st.env->apology_margin, hangup_atom::value,
                     call_end{outcome::ai_failed, {}});
  pump(self);
}

// The AI ended the caller's turn, having heard caller audio up to `decided_at_ms`: the caller stopped
// speaking the AI's silence window before that, and the wait for the reply starts when that audio came.
void turn_ended(call_pointer self, std::uint64_t decided_at_ms) {
  auto& st = self->state;
  auto silence = static_cast<std::uint64_t>(st.env->ai_turn_silence.count());
  auto spoken_until = decided_at_ms > silence ? decided_at_ms - silence : 0;
  st.awaiting_audio_since = st.caller_audio.arrival(spoken_until).value_or(self->clock().now());
  st.reply_at_ms.reset();
}

void on_provider_frame(call_pointer self, std::string& frame, bool binary) {
  auto& st = self->state;
  net::media_event ev;
  if (auto err = binary ? st.dialect->parse_binary(frame, ev) : st.dialect->parse(frame, ev); !err.empty()) {
    st.env->metrics->bad_frames.with({st.provider_name, std::string(err)}).inc();
    if (st.bad_frames_logged++ < 3) spdlog::warn("call={} refused a provider frame: {}", st.id, err);
    return;
  }
  switch (ev.kind) {
    case net::media_kind::media: {
      if (ev.raw_audio) {
        // The audio itself: moved to the front of the frame it is a view into.
        auto offset = static_cast<std::size_t>(ev.payload.data() - frame.data());
        auto size = ev.payload.size();
        if (offset) frame.erase(0, offset);
        frame.resize(size);
      } else {
        // Decode in place: the payload view points into `frame`, and decoding never overtakes reading.
        auto n = codecs::base64::decode(ev.payload, reinterpret_cast<std::uint8_t*>(frame.data()));
        if (!n) {
          st.env->metrics->bad_frames.with({st.provider_name, "bad base64"}).inc();
          if (st.bad_frames_logged++ < 3) spdlog::warn("call={} refused a media frame: bad base64", st.id);
          return;
        }
        frame.resize(*n);
      }
      st.frames_in->inc();
      st.record->frames_in.fetch_add(1, std::memory_order_relaxed);
      auto forward = [self](std::string&& audio) {
        auto& st = self->state;
        if (st.ai_down) return;
        st.caller_audio.add(st.provider_format.bytes_to_ms(audio.size()), self->clock().now());
        audio_chunk chunk{st.provider_format, std::move(audio), {}};
        if (st.transcoder)
          self->send(st.transcoder, caller_atom::value, std::move(chunk));
        else
          self->send(st.ai, caller_atom::value, std::move(chunk));
      };
      // Twilio delivers in order; Telnyx numbers media chunks and does not promise order.
      auto seq = st.record->call.provider->traits().reorders_media ? ev.chunk : 0;
      st.reorder.push(seq, std::move(frame), forward);
      return;
    }
    case net::media_kind::mark:
      if (st.play) st.play->on_mark(ev.text, now_ms(self));
      pump(self);
      return;
    case net::media_kind::dtmf:
      // Where the provider's documented channel is a webhook (Telnyx's call.dtmf.received), only there.
      if (st.record->call.provider->traits().dtmf != net::providers::dtmf_source::media_socket) return;
      spdlog::info("call={} dtmf digit={}", st.id, net::token{ev.text});
      if (!st.ai_down) self->send(st.ai, dtmf_atom::value, std::string(ev.text));
      return;
    case net::media_kind::stop:
      if (!ev.text.empty()) spdlog::info("call={} provider stop reason={}", st.id, net::quoted{ev.text});
      st.stopped = true;
      end_call(self, {outcome::completed, {}});
      return;
    case net::media_kind::error:
      spdlog::warn("call={} provider reported a stream error={}", st.id, net::quoted{ev.text});
      return;
    case net::media_kind::start:
    case net::media_kind::connected:
    case net::media_kind::ignored:
      spdlog::debug("call={} ignored provider event={}", st.id, net::token{ev.text});
      return;
  }
}

void barge_in(call_pointer self) {
  auto& st = self->state;
  if (!st.play) return;
  auto cut = st.play->interrupt(now_ms(self));
  if (!cut.was_playing) return;
  if (st.provider) send_control(st, st.dialect->build_clear(st.stream_id));
  if (!cut.item_id.empty()) self->send(st.ai, truncate_atom::value, cut.item_id, cut.audio_end_ms);
  st.env->metrics->barge_ins.with({st.provider_name}).inc();
  st.record->barge_ins.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("call={} barge-in item={} heard_ms={}", st.id, net::token{cut.item_id}, cut.audio_end_ms);
}

// The playout clock for the provider's format, in chunks no shorter than the provider plays well.
playout::options playout_for(const call_state& st) {
  auto min_chunk = st.record->call.provider->traits().min_chunk_ms;
  playout::options o;
  o.format = st.provider_format;
  o.lead_ms = std::max(st.env->playout_lead_ms, 2 * min_chunk);  // room for a whole chunk while one plays
  o.chunk_ms = std::max(st.env->playout_chunk_ms, min_chunk);
  o.min_chunk_ms = min_chunk;
  o.frame_ms = st.record->call.provider->traits().media_frame_ms;
  o.chunk_ms = std::max(o.chunk_ms, o.frame_ms);
  if (st.record->call.provider->traits().paced_by_gateway) {
    o.self_clocked = true;
    o.chunk_ms = o.min_chunk_ms = paced_frame_ms;
    o.lead_ms = 2 * paced_frame_ms;
  }
  return o;
}

// The pipeline between the provider's format and the AI's: a transcoder when they differ (caller audio
// call -> transcoder -> AI session, AI audio session -> transcoder -> call), none when they match.
// Returns where the AI's audio goes. A transcoder planned for another format is let go first.
ai_audio_sink plan_transcoder(call_pointer self) {
  auto& st = self->state;
  if (st.transcoder) {
    self->unlink_from(st.transcoder);
    self->send_exit(st.transcoder, caf::exit_reason::user_shutdown);
    st.transcoder = nullptr;
  }
  if (st.provider_format == st.ai_format) return self;
  st.transcoder = spawn_transcoder(self->system(), st.env, st.provider_format, st.ai_format, self);
  self->link_to(st.transcoder);
  return st.transcoder;
}

}  // namespace voxgate::actors::call_parts
