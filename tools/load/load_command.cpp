#include "tools/load/load_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "net/json.hpp"
#include "tools/args.hpp"
#include "tools/caller_options.hpp"

namespace voxgate::tools {

namespace {

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

void append_number(std::string& out, const char* key, double value, bool last = false) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "  \"%s\": %.6g%s\n", key, value, last ? "" : ",");
  out += buf;
}

void append_latency(std::string& out, const char* prefix, const latency_histogram& h) {
  std::string k = prefix;
  append_number(out, (k + "_count").c_str(), static_cast<double>(h.count()));
  append_number(out, (k + "_p50_ms").c_str(), ms(h.quantile(0.50)));
  append_number(out, (k + "_p95_ms").c_str(), ms(h.quantile(0.95)));
  append_number(out, (k + "_p99_ms").c_str(), ms(h.quantile(0.99)));
  append_number(out, (k + "_max_ms").c_str(), ms(h.max()));
}

// The run second by second (from the first call placed): where in it a p99 comes from. A second in
// which no frame came back is null, not a perfect 0.
void append_p99_by_second(std::string& out, const std::vector<latency_histogram>& seconds) {
  out += "  \"latency_p99_ms_by_second\": [";
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    if (i) out += ", ";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", ms(seconds[i].quantile(0.99)));
    out += seconds[i].count() ? buf : "null";
  }
  out += "],\n";
}

struct gateway_figures {
  double cpu_s = 0, cpu_per_call_minute = 0, rss_per_call_kib = 0;
  std::uint64_t rss_baseline_kib = 0, rss_steady_kib = 0;
};

std::optional<gateway_figures> gateway_of(const load_report& r) {
  if (!r.gateway_baseline || !r.gateway_steady_start || !r.gateway_steady_end || r.steady_s <= 0 || r.peak_active == 0)
    return std::nullopt;
  gateway_figures g;
  g.cpu_s = r.gateway_steady_end->cpu_s - r.gateway_steady_start->cpu_s;
  g.cpu_per_call_minute = g.cpu_s / (r.peak_active * r.steady_s / 60.0);
  g.rss_baseline_kib = r.gateway_baseline->rss_kib;
  g.rss_steady_kib = r.gateway_steady_end->rss_kib;
  g.rss_per_call_kib =
      (static_cast<double>(g.rss_steady_kib) - static_cast<double>(g.rss_baseline_kib)) / r.peak_active;
  return g;
}

void print_human(const load_options& o, const load_report& r) {
  std::printf("calls: %d placed, %d connected, %d completed, %d failed (peak %d at once)\n", r.placed, r.connected,
              r.completed, r.failed, r.peak_active);
  for (const auto& [why, n] : r.failures) std::printf("  %5d  %s\n", n, why.c_str());
  if (r.connected == 0) {
    std::printf("no call connected: nothing was measured\n");
    return;
  }
  if (r.latency.count() == 0) {
    std::printf("round trip by audio position: no frame came back where it was sent, so none was timed\n");
  } else {
    std::printf(
        "round trip by audio position, all: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%llu frames)\n",
        ms(r.latency.quantile(0.5)), ms(r.latency.quantile(0.95)), ms(r.latency.quantile(0.99)), ms(r.latency.max()),
        static_cast<unsigned long long>(r.latency.count()));
    std::printf("                         steady: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%.1f s)\n",
                ms(r.steady_latency.quantile(0.5)), ms(r.steady_latency.quantile(0.95)),
                ms(r.steady_latency.quantile(0.99)), ms(r.steady_latency.max()), r.steady_s);
  }
  std::printf(
      "frames: %llu sent, %llu back, %llu lost, %llu late; %llu bytes differing, %llu beyond what was sent; marks "
      "answered %llu; clears %llu\n",
      static_cast<unsigned long long>(r.frames_sent), static_cast<unsigned long long>(r.frames_back),
      static_cast<unsigned long long>(r.frames_lost), static_cast<unsigned long long>(r.frames_late),
      static_cast<unsigned long long>(r.bytes_differing), static_cast<unsigned long long>(r.bytes_beyond_sent),
      static_cast<unsigned long long>(r.marks_answered), static_cast<unsigned long long>(r.clears));
  if (r.steady_s > 0)
    std::printf("load tool: %.2f CPU s over the %.1f s steady window (%.0f%% of a core); its timer p99 lag %.2f ms\n",
                r.own_steady.cpu_s, r.steady_s, 100 * r.own_steady.cpu_s / r.steady_s, ms(r.tick_lag.quantile(0.99)));
  if (auto g = gateway_of(r))
    std::printf("gateway (pid %d): %.4f CPU s per call-minute; RSS %llu KiB -> %llu KiB, %.1f KiB per call\n", o.pid,
                g->cpu_per_call_minute, static_cast<unsigned long long>(g->rss_baseline_kib),
                static_cast<unsigned long long>(g->rss_steady_kib), g->rss_per_call_kib);
  else if (o.pid > 0)
    std::printf("gateway (pid %d): no steady window (every call placed and up at once) to measure over\n", o.pid);
}

// Why a finished run did not pass, for its last line: "2 calls failed, 40 frames lost".
std::string shortfalls(const load_report& r) {
  std::string out;
  auto add = [&out](std::uint64_t n, const char* what) {
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(static_cast<std::uint64_t>(r.failed), r.failed == 1 ? "call failed" : "calls failed");
  add(r.frames_lost, r.frames_lost == 1 ? "frame lost" : "frames lost");
  add(r.bytes_differing, "bytes came back different");
  add(r.bytes_beyond_sent, "bytes came back beyond what was sent");
  return out;
}

}  // namespace

bool load_passed(const load_report& r) {
  return r.error.empty() && r.failed == 0 && r.connected == r.calls && r.frames_lost == 0 && r.bytes_differing == 0 &&
         r.bytes_beyond_sent == 0;
}

std::string load_hint(const load_report& r) {
  // Audio that is not the caller's: different where it came back, or more of it than was ever sent (a
  // greeting arriving before the caller's audio fills no position; it only runs ahead of it).
  std::uint64_t foreign = r.bytes_differing + r.bytes_beyond_sent;
  std::uint64_t bytes_back = r.frames_back * audio_position_tracker::frame_bytes + r.bytes_beyond_sent;
  bool most_lost = r.frames_sent > 0 && r.frames_lost * 2 > r.frames_sent;
  bool most_foreign = bytes_back > 0 && foreign * 2 > bytes_back;
  if (!most_lost && !most_foreign) return {};
  return std::string(most_lost ? "most frames never came back"
                               : "most of the audio that came back was not the caller's") +
         ": `voxgate load` expects a gateway whose AI echoes the caller's audio back, and the default local agent "
         "does not (it greets, and plays the caller back only after a pause). Run build/bench/echo_ai 8100 and start "
         "the gateway with AI_BACKEND=openai OPENAI_API_KEY=any "
         "OPENAI_REALTIME_URL=ws://127.0.0.1:8100/v1/realtime AGENT_GREETS_FIRST=0";
}

std::string load_summary_json(const load_options& o, const load_report& r) {
  std::string out = "{\n";
  append_number(out, "calls", r.calls);
  append_number(out, "placed", r.placed);
  append_number(out, "connected", r.connected);
  append_number(out, "completed", r.completed);
  append_number(out, "failed", r.failed);
  append_number(out, "peak_active", r.peak_active);
  out += "  \"failures\": {";
  bool first = true;
  for (const auto& [why, n] : r.failures) {
    if (!first) out += ", ";
    first = false;
    net::json::append_string(out, why);
    out += ": " + std::to_string(n);
  }
  out += "},\n";
  append_number(out, "duration_s", o.duration_s);
  append_number(out, "ramp_per_s", o.ramp_per_s);
  append_number(out, "wall_s", r.wall_s);
  append_number(out, "steady_s", r.steady_s);
  append_latency(out, "latency", r.latency);
  append_latency(out, "steady_latency", r.steady_latency);
  append_p99_by_second(out, r.by_second);
  append_number(out, "frames_sent", static_cast<double>(r.frames_sent));
  append_number(out, "frames_back", static_cast<double>(r.frames_back));
  append_number(out, "frames_lost", static_cast<double>(r.frames_lost));
  append_number(out, "frames_late", static_cast<double>(r.frames_late));
  append_number(out, "bytes_differing", static_cast<double>(r.bytes_differing));
  append_number(out, "bytes_beyond_sent", static_cast<double>(r.bytes_beyond_sent));
  append_number(out, "marks_answered", static_cast<double>(r.marks_answered));
  append_number(out, "clears", static_cast<double>(r.clears));
  append_number(out, "load_cpu_s_steady", r.own_steady.cpu_s);
  append_number(out, "load_tick_lag_p99_ms", ms(r.tick_lag.quantile(0.99)));
  append_number(out, "fd_limit", static_cast<double>(r.fd_limit));
  if (auto g = gateway_of(r)) {
    append_number(out, "gateway_pid", o.pid);
    append_number(out, "gateway_cpu_s_steady", g->cpu_s);
    append_number(out, "gateway_cpu_s_per_call_minute", g->cpu_per_call_minute);
    append_number(out, "gateway_rss_baseline_kib", static_cast<double>(g->rss_baseline_kib));
    append_number(out, "gateway_rss_steady_kib", static_cast<double>(g->rss_steady_kib));
    append_number(out, "gateway_rss_per_call_kib", g->rss_per_call_kib);
  }
  out += "  \"ok\": ";
  out += load_passed(r) ? "true" : "false";
  out += "\n}\n";
  return out;
}

const args::command& load_arguments() {
  using args::kind;
  static const args::command c{
      .name = "load",
      .usage = {"GATEWAY_URL [options]"},
      .description =
          "Places N concurrent simulated calls of one provider from one thread, R per second, each streaming S\n"
          "seconds of caller audio as 20 ms frames in real time, playing what comes back (marks answered once\n"
          "their audio has played), then stop.\n"
          "Needs a gateway whose AI echoes audio back: every byte that returns is timed against when its audio\n"
          "position was sent, whatever chunks it comes back in. The default local agent does not echo; run\n"
          "build/bench/echo_ai 8100 and start the gateway with AI_BACKEND=openai OPENAI_API_KEY=any\n"
          "OPENAI_REALTIME_URL=ws://127.0.0.1:8100/v1/realtime AGENT_GREETS_FIRST=0 (bench/capacity.sh does).\n"
          "GATEWAY_URL is the gateway itself over plain HTTP (e.g. http://127.0.0.1:8080), not its TLS proxy.\n"
          "Exit status 0 only when every call connected and completed and all its audio came back unchanged.\n"
          "Telnyx answers through its Call Control API, which this tool plays on 127.0.0.1:--api-port: start\n"
          "the gateway with TELNYX_API_BASE=http://127.0.0.1:8091/v2 so its answers reach it.",
      .positional = "GATEWAY_URL",
      .options = with_caller_options({
          {.name = "--calls",
           .type = kind::integer,
           .value_name = "N",
           .help = "concurrent calls to place",
           .default_value = "10",
           .min = 1,
           .max = 100000},
          {.name = "--duration",
           .type = kind::number,
           .value_name = "S",
           .help = "of caller audio per call",
           .default_value = "10",
           .min = 0.02,
           .max = 86400},
          {.name = "--ramp",
           .type = kind::number,
           .value_name = "R",
           .help = "calls placed per second",
           .default_value = "100",
           .min = 0.01,
           .max = 100000},
          {.name = "--pid",
           .type = kind::integer,
           .value_name = "PID",
           .help = "the gateway's process: its CPU seconds per call-minute and RSS per call over\n"
                   "the steady window (every call up, none finished yet)",
           .min = 1,
           .max = 4194304},
          {.name = "--public-url",
           .type = kind::text,
           .value_name = "URL",
           .help = "the gateway's PUBLIC_URL, which signatures cover (default: GATEWAY_URL)"},
          {.name = "--media-to",
           .type = kind::text,
           .value_name = "URL",
           .help = "open the media sockets at this other instance of a cluster (http://host:port) instead of "
                   "GATEWAY_URL, so each call's media is relayed to the instance that took its webhook"},
          {.name = "--drain",
           .type = kind::number,
           .value_name = "S",
           .help = "after a call's last frame, how long to wait for its echo before stop",
           .default_value = "2",
           .min = 0,
           .max = 600},
          {.name = "--setup",
           .type = kind::number,
           .value_name = "S",
           .help = "how long a call may take from its webhook to its media socket's 101",
           .default_value = "15",
           .min = 0.1,
           .max = 600},
          {.name = "--json", .help = "print the summary as JSON"},
      })};
  return c;
}

int load_command(int argc, char** argv) {
  args::values a;
  if (auto status = args::read(load_arguments(), argc, argv, a)) return *status;
  load_options o;
  o.gateway_url = a.positional();
  if (o.gateway_url.empty()) {
    std::cerr << "voxgate load: give the gateway's URL, e.g. http://127.0.0.1:8080 (see --help)\n";
    return 2;
  }
  o.calls = static_cast<int>(a.integer("--calls"));
  o.duration_s = a.number("--duration");
  o.ramp_per_s = a.number("--ramp");
  o.pid = static_cast<int>(a.integer("--pid"));
  o.drain_s = a.number("--drain");
  o.setup_s = a.number("--setup");
  o.public_url = a.text("--public-url");
  o.media_url = a.text("--media-to");
  caller_choice caller;
  if (!read_caller_options(a, "load", caller)) return 2;
  o.provider = caller.provider;
  o.credential = caller.credential;
  o.api_port = caller.api_port;
  o.media_port = caller.media_port;
  bool tty = isatty(STDERR_FILENO);
  auto progress = [&](const load_progress& p) {
    if (!tty) return;
    std::fprintf(
        stderr, "\r[%6.1f s] placed %d/%d  up %d  failed %d  done %d  frames %llu sent %llu back  p99 %.1f ms   ",
        p.elapsed_s, p.placed, o.calls, p.active, p.failed, p.finished, static_cast<unsigned long long>(p.frames_sent),
        static_cast<unsigned long long>(p.frames_back), ms(p.p99_us));
  };
  auto report = run_load(o, progress);
  if (tty) std::fprintf(stderr, "\n");
  if (!report.error.empty()) {
    std::cerr << "voxgate load: " << report.error << "\n";
    return 1;
  }
  if (a.flag("--json"))
    std::fputs(load_summary_json(o, report).c_str(), stdout);
  else
    print_human(o, report);
  std::fflush(stdout);
  if (load_passed(report)) return 0;
  std::cerr << "voxgate load: FAILED: " << shortfalls(report) << "\n";
  if (auto hint = load_hint(report); !hint.empty()) std::cerr << "voxgate load: " << hint << "\n";
  return 1;
}

}  // namespace voxgate::tools
