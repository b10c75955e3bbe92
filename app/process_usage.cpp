#include "app/process_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace voxgate::app {

std::optional<process_usage> read_process_usage(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  process_usage u;
  u.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line))
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

namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces): [0] is field 3.
std::vector<std::string> own_stat_fields() {
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (!std::getline(stat, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(std::move(f));
  return fields;
}

// The boot time in seconds since the epoch, from /proc/stat's btime line.
std::uint64_t boot_time_s() {
  std::ifstream stat("/proc/stat");
  std::string line;
  while (std::getline(stat, line))
    if (line.rfind("btime ", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

}  // namespace

process_figures own_figures() {
  process_figures out;
  auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  auto fields = own_stat_fields();
  auto field = [&](std::size_t n) { return n - 3 < fields.size() ? std::stoull(fields[n - 3]) : 0ULL; };
  if (!fields.empty()) {
    out.cpu_s = static_cast<double>(field(14) + field(15)) / ticks;
    out.resident_bytes = field(24) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    out.start_time_s = static_cast<double>(boot_time_s()) + static_cast<double>(field(22)) / ticks;
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

}  // namespace voxgate::app
