#include "net/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace voxgate::net {

namespace {

// The fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is field 3.
std::vector<std::string> stat_fields(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(std::move(f));
  return fields;
}

// Field `n` of /proc/<pid>/stat as numbered in proc(5), or 0 when it is missing.
std::uint64_t stat_field(const std::vector<std::string>& fields, std::size_t n) {
  return n >= 3 && n - 3 < fields.size() ? std::stoull(fields[n - 3]) : 0;
}

double clock_ticks() { return static_cast<double>(sysconf(_SC_CLK_TCK)); }

// The boot time in seconds since the epoch, from /proc/stat's btime line.
std::uint64_t boot_time_s() {
  std::ifstream stat("/proc/stat");
  std::string line;
  while (std::getline(stat, line))
    if (line.rfind("btime ", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

}  // namespace

std::optional<process_usage> read_process_usage(int pid) {
  auto fields = stat_fields(std::to_string(pid));
  if (fields.empty()) return std::nullopt;
  process_usage u;
  u.cpu_s = static_cast<double>(stat_field(fields, 14) + stat_field(fields, 15)) / clock_ticks();
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kib = std::stoull(line.substr(6));
  return u;
}

process_usage own_usage() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  process_usage u;
  u.cpu_s = static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
            static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  u.rss_kib = static_cast<std::uint64_t>(r.ru_maxrss);
  if (auto now = read_process_usage(static_cast<int>(getpid()))) u.rss_kib = now->rss_kib;
  return u;
}

process_figures own_figures() {
  process_figures out;
  auto fields = stat_fields("self");
  if (!fields.empty()) {
    out.cpu_s = static_cast<double>(stat_field(fields, 14) + stat_field(fields, 15)) / clock_ticks();
    out.resident_bytes = stat_field(fields, 24) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    out.start_time_s = static_cast<double>(boot_time_s()) + static_cast<double>(stat_field(fields, 22)) / clock_ticks();
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
    ++out.open_fds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) out.max_fds = limit.rlim_cur;
  return out;
}

std::uint64_t raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

}  // namespace voxgate::net
