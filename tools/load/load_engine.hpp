// Inside `voxgate load` (tools/load/load_calls.hpp is its interface): the engine that drives every
// call from one thread, and one call's state. Its timing (the loop, the wheel of 20 ms slots, the
// steady window, the report) is load_engine.cpp; one call's wire (HTTP and WebSocket on a raw
// non-blocking socket, spoken through the provider's sim::caller) is load_wire.cpp.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/process_usage.hpp"
#include "net/ws_frame.hpp"
#include "tools/load/load_calls.hpp"
#include "tools/load/poller.hpp"
#include "tools/sim/call_control_api.hpp"
#include "tools/sim/caller.hpp"
#include "tools/sim/playback.hpp"

namespace voxgate::tools::load {

inline constexpr std::uint64_t frame_us = 20000;
inline constexpr int wheel_slots = 20;  // one per millisecond of the 20 ms frame period
inline constexpr std::size_t max_http_response = 64 * 1024;
inline constexpr std::uint64_t stop_timeout_us = 3'000'000;

// answering: between the webhook's 200 and an answer that comes another way (Telnyx's Call Control).
enum class phase { waiting, webhook, answering, upgrading, streaming, draining, stopping, done, failed };

struct call {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // of its socket: an event for a socket already closed is not the new one's
  int fd = -1;
  bool connecting = false;  // a connect under way on fd
  bool watching_writes = false;
  phase state = phase::waiting;
  std::unique_ptr<sim::caller> caller;  // the provider's side of this call
  std::string ws_key, ws_target, ws_host;
  // The media socket is plain TCP in the caller's frames (sim::media_socket::transport::tcp), not a WebSocket.
  bool tcp = false;
  bool shut_when_sent = false;  // a tcp caller's hang-up: shut the sending side once c.out has gone
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(8192);
  std::size_t in_len = 0;
  std::string out;           // bytes for the socket not yet sent
  std::size_t out_sent = 0;  // how many of them have gone
  net::ws::frame_reader reader{1 << 16};
  audio_position_tracker tracker;
  sim::playback handset;  // what the gateway sent, played: marks answered once their audio has
  std::uint64_t next_frame_us = 0;
  std::uint64_t deadline_us = 0;
  int slot = 0;
};

class engine {
 public:
  engine(const load_options& o, const std::function<void(const load_progress&)>& progress);
  load_report run();

 private:
  using clock = std::chrono::steady_clock;

  // ---- timing (load_engine.cpp) ----
  std::string prepare();  // what must hold before the first call; an error, or empty
  std::uint64_t now_us() const;
  double seconds_since_start() const;
  clock::time_point time_at(std::uint64_t us) const { return start_ + std::chrono::microseconds(us); }
  void loop();
  bool tick();
  void visit(int slot, std::uint64_t now);
  void begin_steady();
  void end_steady();
  bool in_steady() const { return steady_ && !steady_ended_; }
  latency_histogram& this_second(std::uint64_t at_us);  // the histogram of the run's second at at_us
  void place(call& c);
  void fail(call& c, const std::string& why) { finish(c, phase::failed, why); }
  void finish(call& c, phase how, const std::string& why);
  load_progress snapshot() const;

  // ---- one call's wire (load_wire.cpp) ----
  static std::uint64_t tag_of(const call& c) { return (std::uint64_t{c.index} << 32) | c.generation; }
  std::uint32_t next_mask();
  void on_event(const poller::event& e);
  void connect(call& c, const char* what, const tcp_endpoint* to = nullptr);
  void close_socket(call& c);
  void on_readable(call& c);
  void on_http(call& c, bool eof);
  void on_webhook_response(call& c, std::string_view head, std::string_view body);
  void on_answer(call& c, const sim::call_answer& a);
  void upgrade(call& c, const sim::media_socket& socket);
  void on_upgrade_response(call& c, std::string_view head, std::size_t consumed);
  void start_streaming(call& c);
  void send(call& c, const sim::provider_frame& f);
  void send_frame(call& c, std::uint64_t now);
  void hang_up(call& c);
  void flush(call& c);
  void on_frames(call& c);
  void on_message(call& c, std::string_view payload, bool binary);
  void answer_marks(call& c);
  void socket_lost(call& c, const std::string& why);

  const load_options& options_;
  const std::function<void(const load_progress&)>& progress_;
  sim::caller_settings settings_;
  std::unique_ptr<sim::call_control_api> api_;  // where answers arrive, for a provider that answers so
  poller poller_;
  tcp_endpoint endpoint_;
  tcp_endpoint media_endpoint_;      // where media sockets connect (endpoint_ unless --media-to)
  std::vector<std::uint8_t> audio_;  // the caller's audio, looped (see caller_audio())
  std::string host_header_;
  std::vector<std::unique_ptr<call>> calls_;
  std::array<std::vector<call*>, wheel_slots> wheel_;
  std::uint64_t frames_per_call_ = 0;
  std::string scratch_, text_;
  std::vector<std::uint8_t> decoded_;
  std::uint32_t mask_state_ = 0x9e3779b9u;
  clock::time_point start_, tick_at_;
  std::uint64_t last_ms_ = 0, last_progress_s_ = 0, give_up_us_ = 0;
  int connecting_ = 0, active_ = 0, finished_ = 0;
  bool steady_ = false, steady_ended_ = false;
  std::uint64_t steady_start_us_ = 0;
  net::process_usage own_steady_start_;
  load_report report_;
};

}  // namespace voxgate::tools::load
