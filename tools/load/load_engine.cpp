// `voxgate load`'s timing: one loop for every call (sockets as they are ready, and every millisecond
// that millisecond's slot of calls), placing calls at the ramp's pace, sending each call's frames on
// its slot, the steady window (every call placed and connected, none finished yet), and the report.
#include "tools/load/load_engine.hpp"

#include <cmath>

#include "codecs/g711.hpp"
#include "net/url.hpp"

namespace voxgate::tools::load {

namespace {

// One second of a warbling tone in mu-law, looped: every frame differs from its neighbours, so audio
// that comes back at the wrong position is noticed.
std::vector<std::uint8_t> caller_audio() {
  std::vector<std::uint8_t> loop(8000);
  for (std::size_t i = 0; i < loop.size(); ++i) {
    double t = static_cast<double>(i) / 8000.0;
    double v = 8000 * std::sin(2 * M_PI * (300 + 200 * std::sin(2 * M_PI * 3 * t)) * t);
    loop[i] = codecs::g711::linear_to_ulaw(static_cast<std::int16_t>(v));
  }
  return loop;
}

}  // namespace

engine::engine(const load_options& o, const std::function<void(const load_progress&)>& progress)
    : options_(o), progress_(progress), audio_(caller_audio()) {}

load_report engine::run() {
  report_.calls = options_.calls;
  report_.fd_limit = net::raise_fd_limit();
  if (auto error = prepare(); !error.empty()) {
    report_.error = std::move(error);
    return report_;
  }
  frames_per_call_ = static_cast<std::uint64_t>(std::llround(options_.duration_s * 50));
  calls_.reserve(static_cast<std::size_t>(options_.calls));
  for (int i = 0; i < options_.calls; ++i) {
    calls_.push_back(std::make_unique<call>());
    calls_.back()->index = static_cast<std::uint32_t>(i);
  }
  scratch_.reserve(2048);
  decoded_.resize(64 * 1024);
  double ramp_s = options_.calls / std::max(options_.ramp_per_s, 0.001);
  give_up_us_ = static_cast<std::uint64_t>((ramp_s + options_.duration_s + options_.drain_s + 30) * 1e6);
  start_ = clock::now();
  tick_at_ = start_;
  loop();
  report_.wall_s = seconds_since_start();
  for (auto& c : calls_) {
    report_.frames_sent += c->tracker.frames_sent();
    report_.frames_back += std::min(c->tracker.frames_back(), c->tracker.frames_sent());
    report_.frames_late += c->tracker.frames_late();
    report_.bytes_differing += c->tracker.bytes_differing();
    report_.bytes_beyond_sent += c->tracker.bytes_beyond_sent();
    if (c->state == phase::done) report_.frames_lost += c->tracker.frames_missing();
  }
  return report_;
}

std::string engine::prepare() {
  auto gateway = net::parse_url(options_.gateway_url);
  if (!gateway || gateway->scheme != "http")
    return "GATEWAY_URL must be http://host:port: the load tool talks to the gateway itself, not its TLS proxy";
  host_header_ = gateway->host_port();
  settings_.public_url = options_.public_url.empty() ? gateway->origin() : options_.public_url;
  while (!settings_.public_url.empty() && settings_.public_url.back() == '/') settings_.public_url.pop_back();
  settings_.credential = options_.credential;
  settings_.tool = "load";
  settings_.insecure_local = true;  // the tool talks to the gateway itself, behind any TLS
  settings_.media_port = options_.media_port;
  auto first = sim::make_caller(options_.provider, settings_);
  if (!first) return "no simulated caller for provider '" + options_.provider + "'";
  if (auto why = first->credential_problem(); !why.empty()) return "the credential: " + why;
  std::string why;
  auto endpoint = resolve_tcp(gateway->host, static_cast<std::uint16_t>(gateway->effective_port()), why);
  if (!endpoint) return "cannot resolve " + gateway->host + ": " + why;
  endpoint_ = *endpoint;
  media_endpoint_ = endpoint_;
  if (!options_.media_url.empty()) {
    auto media = net::parse_url(options_.media_url);
    if (!media || media->scheme != "http")
      return "--media-to must be http://host:port: another instance of the gateway itself";
    auto m = resolve_tcp(media->host, static_cast<std::uint16_t>(media->effective_port()), why);
    if (!m) return "cannot resolve " + media->host + ": " + why;
    media_endpoint_ = *m;
  }
  // Every call would fail the same way: say it once, rather than as a run of failed calls.
  if (auto refused = try_connect(endpoint_, std::chrono::seconds(5)); !refused.empty())
    return "cannot connect to " + host_header_ + " (" + refused +
           "): is the gateway running, and is this its address and port?";
  if (!poller_.ok()) return "cannot create an epoll set";
  if (first->answers_by_api()) {
    api_ = std::make_unique<sim::call_control_api>(options_.api_port);
    if (auto err = api_->start(); !err.empty())
      return "cannot listen for the gateway's answers on 127.0.0.1:" + std::to_string(options_.api_port) + ": " + err;
    settings_.api = api_.get();
  }
  if (options_.pid > 0) {
    report_.gateway_baseline = net::read_process_usage(options_.pid);
    if (!report_.gateway_baseline) return "no process " + std::to_string(options_.pid) + " to sample (--pid)";
  }
  return {};
}

std::uint64_t engine::now_us() const {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start_).count());
}

latency_histogram& engine::this_second(std::uint64_t at_us) {
  auto second = static_cast<std::size_t>(at_us / 1'000'000);
  if (report_.by_second.size() <= second) report_.by_second.resize(second + 1);
  return report_.by_second[second];
}

double engine::seconds_since_start() const { return static_cast<double>(now_us()) / 1e6; }

void engine::loop() {
  for (;;) {
    tick_at_ += std::chrono::milliseconds(1);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(tick_at_ - clock::now());
      for (const auto& e : poller_.wait(left)) on_event(e);
      if (clock::now() >= tick_at_) break;
    }
    if (!tick()) return;
  }
}

// Returns false once the run is over.
bool engine::tick() {
  std::uint64_t now = now_us();
  std::uint64_t due_ms = now / 1000;
  report_.tick_lag.record(now - std::min(now, (last_ms_ + 1) * 1000));
  int target = static_cast<int>(
      std::min<double>(options_.calls, std::floor(static_cast<double>(now) / 1e6 * options_.ramp_per_s) + 1));
  while (report_.placed < target) place(*calls_[static_cast<std::size_t>(report_.placed)]);
  for (; last_ms_ < due_ms; ++last_ms_) visit(static_cast<int>((last_ms_ + 1) % wheel_slots), now);
  if (!steady_ && report_.placed == options_.calls && connecting_ == 0 && active_ > 0) begin_steady();
  if (now / 1'000'000 != last_progress_s_) {
    last_progress_s_ = now / 1'000'000;
    if (progress_) progress_(snapshot());
  }
  if (finished_ == options_.calls) return false;
  if (now > give_up_us_) {
    for (auto& c : calls_)
      if (c->state != phase::done && c->state != phase::failed) fail(*c, "still unfinished when the run timed out");
    return false;
  }
  return true;
}

void engine::visit(int slot, std::uint64_t now) {
  auto& calls = wheel_[static_cast<std::size_t>(slot)];
  for (std::size_t i = 0; i < calls.size();) {
    call& c = *calls[i];
    if (c.state == phase::done || c.state == phase::failed) {
      calls[i] = calls.back();
      calls.pop_back();
      continue;
    }
    ++i;
    switch (c.state) {
      case phase::webhook:
      case phase::upgrading:
        if (now > c.deadline_us) fail(c, c.state == phase::webhook ? "webhook timed out" : "upgrade timed out");
        break;
      case phase::answering:
        if (auto a = c.caller->poll_answer(); a.what != sim::call_answer::kind::pending)
          on_answer(c, a);
        else if (now > c.deadline_us)
          fail(c, a.why);
        break;
      case phase::streaming:
        answer_marks(c);
        while (c.next_frame_us <= now && c.tracker.frames_sent() < frames_per_call_) send_frame(c, now);
        if (c.tracker.frames_sent() >= frames_per_call_) {
          c.state = phase::draining;
          c.deadline_us = now + static_cast<std::uint64_t>(options_.drain_s * 1e6);
          end_steady();
        }
        flush(c);
        break;
      case phase::draining:
        answer_marks(c);
        if (c.tracker.frames_back() >= c.tracker.frames_sent() || now > c.deadline_us) {
          hang_up(c);
          c.state = phase::stopping;
          c.deadline_us = now + stop_timeout_us;
        }
        flush(c);
        break;
      case phase::stopping:
        if (now > c.deadline_us) fail(c, "the gateway did not close the media socket within 3 s of stop");
        flush(c);
        break;
      default:
        break;
    }
  }
}

void engine::begin_steady() {
  steady_ = true;
  steady_start_us_ = now_us();
  own_steady_start_ = net::own_usage();
  if (options_.pid > 0) report_.gateway_steady_start = net::read_process_usage(options_.pid);
}

void engine::end_steady() {
  if (!steady_ || steady_ended_) return;
  steady_ended_ = true;
  report_.steady_s = static_cast<double>(now_us() - steady_start_us_) / 1e6;
  auto own = net::own_usage();
  report_.own_steady = {own.cpu_s - own_steady_start_.cpu_s, own.rss_kib};
  if (options_.pid > 0) report_.gateway_steady_end = net::read_process_usage(options_.pid);
}

void engine::place(call& c) {
  // Each call's frames go out on its own millisecond of the 20 ms period, as a carrier's independent
  // streams arrive: by placing time alone, a ramp of 200 calls a second would give them four phases,
  // a quarter of all frames at once every 5 ms. Consecutive calls step 7 ms (coprime to 20), so any
  // 20 calls take every phase.
  c.slot = static_cast<int>(static_cast<std::uint64_t>(report_.placed) * 7 % wheel_slots);
  ++report_.placed;
  ++connecting_;
  c.caller = sim::make_caller(options_.provider, settings_);
  c.state = phase::webhook;
  c.deadline_us = now_us() + static_cast<std::uint64_t>(options_.setup_s * 1e6);
  wheel_[static_cast<std::size_t>(c.slot)].push_back(&c);
  auto hook = c.caller->webhook();
  c.out = hook.method + " " + hook.target + " HTTP/1.1\r\nHost: " + host_header_ +
          "\r\nContent-Length: " + std::to_string(hook.body.size()) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : hook.headers) c.out += name + ": " + value + "\r\n";
  c.out += "\r\n" + hook.body;
  c.out_sent = 0;
  connect(c, "webhook");
}

void engine::finish(call& c, phase how, const std::string& why) {
  if (c.state == phase::done || c.state == phase::failed) return;
  if (c.state == phase::webhook || c.state == phase::answering || c.state == phase::upgrading) --connecting_;
  if (c.state == phase::streaming || c.state == phase::draining || c.state == phase::stopping) --active_;
  if (c.state == phase::streaming) end_steady();
  c.state = how;
  ++finished_;
  if (how == phase::failed) {
    ++report_.failed;
    ++report_.failures[why];
  } else {
    ++report_.completed;
  }
  close_socket(c);
}

load_progress engine::snapshot() const {
  load_progress p;
  p.elapsed_s = seconds_since_start();
  p.placed = report_.placed;
  p.connected = report_.connected;
  p.failed = report_.failed;
  p.active = active_;
  p.finished = finished_;
  for (const auto& c : calls_) {
    p.frames_sent += c->tracker.frames_sent();
    p.frames_back += c->tracker.frames_back();
  }
  p.p99_us = report_.latency.quantile(0.99);
  return p;
}

}  // namespace voxgate::tools::load

namespace voxgate::tools {

load_report run_load(const load_options& options, const std::function<void(const load_progress&)>& progress) {
  return load::engine(options, progress).run();
}

}  // namespace voxgate::tools
