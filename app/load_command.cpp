#include "app/load_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "net/json.hpp"

namespace voxgate::app {

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
  std::printf("round trip by audio position, all: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%llu frames)\n",
              ms(r.latency.quantile(0.5)), ms(r.latency.quantile(0.95)), ms(r.latency.quantile(0.99)),
              ms(r.latency.max()), static_cast<unsigned long long>(r.latency.count()));
  std::printf("                         steady: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%.1f s)\n",
              ms(r.steady_latency.quantile(0.5)), ms(r.steady_latency.quantile(0.95)),
              ms(r.steady_latency.quantile(0.99)), ms(r.steady_latency.max()), r.steady_s);
  std::printf(
      "frames: %llu sent, %llu back, %llu lost, %llu late; %llu bytes differing; marks answered %llu; clears %llu\n",
      static_cast<unsigned long long>(r.frames_sent), static_cast<unsigned long long>(r.frames_back),
      static_cast<unsigned long long>(r.frames_lost), static_cast<unsigned long long>(r.frames_late),
      static_cast<unsigned long long>(r.bytes_differing), static_cast<unsigned long long>(r.marks_answered),
      static_cast<unsigned long long>(r.clears));
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

}  // namespace

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
  out += r.error.empty() && r.failed == 0 && r.connected == r.calls ? "true" : "false";
  out += "\n}\n";
  return out;
}

int load_command(int argc, char** argv) {
  load_options o;
  bool json = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    auto number = [&](double lo) {
      std::string v = value();
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || d < lo) {
        std::cerr << "voxgate load: " << a << " needs a number >= " << lo << ", got '" << v << "'\n";
        std::exit(2);
      }
      return d;
    };
    if (a == "--help" || a == "-h") {
      std::cout
          << "usage: voxgate load GATEWAY_URL --calls N --duration S [--ramp R] [--provider twilio] [--pid PID]\n"
             "                    [--auth-token TOKEN] [--public-url URL] [--drain S] [--json]\n\n"
             "Places N concurrent simulated Twilio calls from one thread, R per second (default 100), each\n"
             "streaming S seconds of caller audio as 20 ms frames in real time, answering marks, then stop.\n"
             "Meant for a gateway whose AI echoes audio back (bench/echo_ai): every byte that returns is timed\n"
             "against when its audio position was sent, whatever chunks it comes back in.\n"
             "GATEWAY_URL is the gateway itself over plain HTTP (e.g. http://127.0.0.1:8080), not its TLS proxy.\n"
             "--auth-token signs as Twilio does (the gateway's TWILIO_AUTH_TOKEN); --public-url is its PUBLIC_URL.\n"
             "--pid: the gateway's process, for CPU seconds per call-minute and RSS per call over the steady\n"
             "window (every call up, none finished yet).\n"
             "Exit status 0 only when every call connected and completed.\n";
      return 0;
    }
    if (a == "--calls") {
      o.calls = static_cast<int>(number(1));
    } else if (a == "--duration") {
      o.duration_s = number(0.02);
    } else if (a == "--ramp") {
      o.ramp_per_s = number(0.01);
    } else if (a == "--pid") {
      o.pid = static_cast<int>(number(1));
    } else if (a == "--drain") {
      o.drain_s = number(0);
    } else if (a == "--auth-token") {
      o.auth_token = value();
    } else if (a == "--public-url") {
      o.public_url = value();
    } else if (a == "--json") {
      json = true;
    } else if (a == "--provider") {
      if (auto p = value(); p != "twilio") {
        std::cerr << "voxgate load: --provider " << p
                  << ": only twilio is load-tested (a Telnyx call also needs the gateway's REST answer faked)\n";
        return 2;
      }
    } else if (!a.empty() && a[0] != '-' && o.gateway_url.empty()) {
      o.gateway_url = a;
    } else {
      std::cerr << "voxgate load: unknown argument '" << a << "' (see --help)\n";
      return 2;
    }
  }
  if (o.gateway_url.empty()) {
    std::cerr << "voxgate load: give the gateway's URL, e.g. http://127.0.0.1:8080\n";
    return 2;
  }
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
    return 2;
  }
  if (json)
    std::fputs(load_summary_json(o, report).c_str(), stdout);
  else
    print_human(o, report);
  return report.failed == 0 && report.connected == report.calls ? 0 : 1;
}

}  // namespace voxgate::app
