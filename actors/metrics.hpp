// The metrics registry every actor reports to, rendered as Prometheus text (names under voxgate_).
// Lock-free on the hot path: look a labelled series up once (it is stable), then bump its atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace voxgate::actors {

class counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class gauge {
 public:
  void add(std::int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(std::int64_t n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

class histogram {
 public:
  explicit histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

// The values of an outside label kept by name (family::bound_outside_label), shared by the families
// that name the same things; its own lock, taken inside a family's.
struct outside_names {
  std::size_t most;
  std::mutex mutex;
  std::set<std::string> seen;
};

// A metric with labels: `with({...})` returns a series that lives as long as the family.
template <class Metric>
class family {
 public:
  template <class... Args>
  family(std::string name, std::string help, std::vector<std::string> labels, Args... metric_args)
      : name_(std::move(name)),
        help_(std::move(help)),
        labels_(std::move(labels)),
        make_([=] { return std::make_unique<Metric>(metric_args...); }) {}

  Metric& with(const std::vector<std::string>& values) {
    std::lock_guard lock(mutex_);
    if (outside_ && outside_label_ < values.size()) return series(bounded(values));
    return series(values);
  }
  // Label `label`'s values come from outside (the code of a peer's error, the tool an AI calls): a
  // value past 64 characters or of other characters than A-Z a-z 0-9 _ . : -, or a new one after
  // `most` distinct values, is counted as "other", so that no peer can grow /metrics without bound.
  // The first values seen keep their names for the process's life: the ones the gateway itself
  // reports are made at start (metrics at zero), before any peer's. Families that name the same
  // things (a tool's calls and their durations) share `values`, so a name is kept in both or neither.
  using outside_set = std::shared_ptr<outside_names>;
  outside_set bound_outside_label(std::size_t label, std::size_t most, outside_set values = nullptr);
  // 0 (or absent) when the series was never touched.
  std::int64_t value_of(const std::vector<std::string>& values) const;
  void render(std::string& out) const;
  // One row of the README's metrics table: name, type, labels, help.
  void describe(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<Metric>()> make_;
  Metric& series(const std::vector<std::string>& values) {
    auto& slot = series_[values];
    if (!slot) slot = make_();
    return *slot;
  }
  std::vector<std::string> bounded(std::vector<std::string> values);

  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;
  std::size_t outside_label_ = 0;
  outside_set outside_;  // none: every label's values are the gateway's own
};

// Actor types, for per-type live counts and messages handled.
struct actor_metrics {
  gauge* live;
  counter* handled;
};

class metrics_registry {
 public:
  metrics_registry();

  family<gauge> calls_active{
      "voxgate_calls_active",
      "Calls alive on this instance, by state: ringing (no media yet), streaming; an ending call is no longer counted",
      {"provider", "state"}};
  family<counter> calls_total{"voxgate_calls_total", "Calls ended, by outcome", {"provider", "outcome"}};
  // The part of calls_total placed by VoxGate's own tools (probe, call, load): subtract it for real traffic.
  family<counter> simulated_calls{
      "voxgate_simulated_calls_total",
      "Calls ended that VoxGate's tools placed (X-VoxGate-Simulated); also in voxgate_calls_total",
      {"provider", "outcome"}};
  family<histogram> call_duration{"voxgate_call_duration_seconds",
                                  "Call length, from the webhook that announced it to its end",
                                  {"provider"},
                                  std::vector<double>{1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600}};
  family<counter> calls_refused{"voxgate_calls_refused_total",
                                "Calls turned away at the webhook with the polite refusal (capacity: MAX_CALLS, "
                                "draining: shutting down, overload: every worker's loop lags or is too busy)",
                                {"provider", "reason"}};
  family<histogram> loop_lag{"voxgate_worker_loop_lag_seconds",
                             "How late each worker's loop ran its 100 ms probe: the queue a frame waits behind",
                             {"worker"},
                             std::vector<double>{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1}};
  family<gauge> loop_busy{"voxgate_worker_busy_percent",
                          "Each worker's loop: the part of its time not spent waiting for its sockets, smoothed "
                          "over about half a second, the highest of its last ten 100 ms probes",
                          {"worker"}};
  family<counter> upgrades{
      "voxgate_ws_upgrade_attempts_total", "WebSocket upgrade attempts, accepted or refused, with the reason",
      {"path", "result", "reason"}};
  family<counter> accept_errors{
      "voxgate_accept_errors_total", "Failed accepts on the listener (out_of_fds: the connection is shed)", {"reason"}};
  family<counter> webhooks{"voxgate_webhooks_total",
                           "Webhooks received, by result: accepted (a call admitted, or a retry of one), owned_elsewhere "
                           "(a call another instance took), refused_capacity, refused_draining, refused_overload, "
                           "malformed, a refused check by its label (signature, auth, no_listener); events: event, "
                           "ignored, duplicate, unknown_call",
                           {"provider", "result"}};
  family<counter> ops_refused{"voxgate_ops_requests_refused_total",
                              "Requests for GET /calls refused: unset (OPS_TOKEN is not set), no_token (no Bearer "
                              "token), wrong_token; not_peer (on INTERNAL_PORT, without another instance's token)",
                              {"reason"}};
  family<counter> media_refused{
      "voxgate_media_sockets_refused_total", "Media sockets refused after upgrade", {"provider", "reason"}};
  family<counter> frames{
      "voxgate_frames_total", "Audio frames: in from the provider, out to it", {"provider", "direction"}};
  family<counter> frames_dropped{"voxgate_frames_dropped_total",
                                 "Audio frames dropped: out (the provider's socket fell behind its queue's bound), "
                                 "ai_overflow (the AI's audio past what a call may queue to play), ai in_held (caller "
                                 "audio past the bound while the AI session was not ready)",
                                 {"provider", "direction"}};
  family<counter> bad_frames{"voxgate_bad_frames_total", "Frames refused as malformed", {"source", "reason"}};
  family<counter> ai_errors{
      "voxgate_ai_errors_total", "Errors reported by or about the AI session", {"backend", "code"}};
  family<histogram> ai_session_seconds{
      "voxgate_ai_session_seconds",
      "AI session time the backend bills, per session (backends billed by time; the sum is the billed total)",
      {"backend"},
      std::vector<double>{10, 30, 60, 120, 300, 600, 1200, 3600}};
  family<counter> tool_calls{"voxgate_tool_calls_total", "Tool calls", {"tool", "result"}};
  family<histogram> tool_duration{"voxgate_tool_call_duration_seconds",
                                  "Tool webhook round trip, from the POST to its answer or failure",
                                  {"tool", "result"},
                                  std::vector<double>{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10}};
  family<counter> barge_ins{"voxgate_barge_ins_total", "Caller interrupted the AI", {"provider"}};
  family<histogram> ai_first_audio{
      "voxgate_ai_time_to_first_audio_seconds",
      "What the caller waits: from the end of their speech (the AI's end-of-turn "
      "decision, placed in the caller's audio and less the AI's silence window) to the "
      "first frame of the reply sent to the provider; for a greeting, from the AI ready and "
      "the media stream up",
      {"backend"},
      std::vector<double>{0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5}};
  family<gauge> actors_live{
      "voxgate_actors_live", "Live actors by type (supervisor, call, transcoder, each AI backend's session)", {"actor"}};
  family<counter> actor_messages{"voxgate_actor_messages_total", "Messages handled by actor type", {"actor"}};
  family<gauge> build_info{"voxgate_build_info", "Always 1; the running version in its label", {"version"}};
  family<gauge> max_calls{"voxgate_max_calls", "MAX_CALLS: live calls beyond this are refused", {}};
  family<gauge> draining{"voxgate_draining", "1 while draining: new calls are refused, live ones finish", {}};
  // The cluster (only with REDIS_URL; without it these series are absent).
  family<gauge> redis_up{"voxgate_redis_up", "1 while the cluster's Redis connection is up", {}};
  family<gauge> relayed_calls{"voxgate_relayed_calls",
                              "Calls whose media crosses instances: carried (the provider's socket is here, the call "
                              "on its owner) and owned (the call is here, its socket on another instance)",
                              {"role"}};
  family<counter> cluster_events{"voxgate_cluster_events_total",
                                 "Provider events about calls owned by another instance: forwarded, received, or "
                                 "dropped (no owner known)",
                                 {"result"}};

  actor_metrics for_actor(const std::string& type) { return {&actors_live.with({type}), &actor_messages.with({type})}; }

  std::string render() const;
  // Every family as a Markdown table (the README's, kept identical by a test).
  std::string markdown() const;

 private:
  template <class Visit>
  void each_family(Visit&& visit) const;
};

}  // namespace voxgate::actors
