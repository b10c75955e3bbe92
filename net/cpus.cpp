#include "net/cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace voxgate::net {
namespace {

std::optional<std::string> first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

std::optional<long long> number_in(const std::string& path) {
  auto line = first_line(path);
  if (!line) return std::nullopt;
  try {
    return std::stoll(*line);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// This process's cgroup paths from /proc/self/cgroup: the v2 path ("0::/x") and the v1 cpu path.
void own_cgroups(std::string& v2, std::string& v1_cpu) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':');
    auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (line.compare(0, a, "0") == 0 && controllers.empty()) v2 = path;
    std::stringstream list(controllers);
    for (std::string c; std::getline(list, c, ',');)
      if (c == "cpu") v1_cpu = path;
  }
}

}  // namespace

cpu_limits read_cpu_limits(const std::string& cgroup_root) {
  cpu_limits limits;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) limits.affinity = std::max(1, CPU_COUNT(&set));
  std::string v2, v1_cpu;
  own_cgroups(v2, v1_cpu);
  // Inside a container the cgroup namespace shows "/" while the files sit at the root: try both.
  for (const auto& dir : {cgroup_root + v2, cgroup_root}) {
    if (!limits.cpu_max) limits.cpu_max = first_line(dir + "/cpu.max");
  }
  for (const auto& dir : {cgroup_root + "/cpu" + v1_cpu, cgroup_root + "/cpu", cgroup_root + "/cpu,cpuacct"}) {
    if (limits.cfs_quota_us) break;
    limits.cfs_quota_us = number_in(dir + "/cpu.cfs_quota_us");
    limits.cfs_period_us = number_in(dir + "/cpu.cfs_period_us");
  }
  return limits;
}

int usable_cpus(const cpu_limits& limits) {
  int cpus = std::max(1, limits.affinity);
  std::optional<double> quota;
  if (limits.cpu_max) {
    std::istringstream in(*limits.cpu_max);
    std::string max;
    long long period = 0;
    if (in >> max >> period && max != "max" && period > 0) {
      try {
        quota = static_cast<double>(std::stoll(max)) / static_cast<double>(period);
      } catch (const std::exception&) {
      }
    }
  } else if (limits.cfs_quota_us && limits.cfs_period_us && *limits.cfs_quota_us > 0 && *limits.cfs_period_us > 0) {
    quota = static_cast<double>(*limits.cfs_quota_us) / static_cast<double>(*limits.cfs_period_us);
  }
  if (quota && *quota > 0) cpus = std::min(cpus, std::max(1, static_cast<int>(std::ceil(*quota - 1e-9))));
  return cpus;
}

}  // namespace voxgate::net
