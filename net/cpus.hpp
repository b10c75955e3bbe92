// How many CPUs this process may really use: its CPU affinity and its cgroup's CPU quota, not the
// host's core count. In a container limited to 1 CPU on a 64-core node the answer is 1.
#pragma once

#include <optional>
#include <string>

namespace voxgate::net {

struct cpu_limits {
  int affinity = 1;                    // CPUs in the process's affinity mask (sched_getaffinity)
  std::optional<std::string> cpu_max;  // cgroup v2 cpu.max: "max 100000" or "150000 100000"
  std::optional<long long> cfs_quota_us, cfs_period_us;  // cgroup v1; a quota of -1 means none
};

// Reads the limits of this process: its affinity, then the cpu.max or cfs files of its own cgroup
// (found through /proc/self/cgroup), under `cgroup_root` (normally /sys/fs/cgroup).
cpu_limits read_cpu_limits(const std::string& cgroup_root = "/sys/fs/cgroup");

// The smaller of the affinity and the quota rounded up (1.5 CPUs is 2 workers), at least 1.
int usable_cpus(const cpu_limits& limits);

}  // namespace voxgate::net
