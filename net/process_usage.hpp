// A process's CPU time and resident memory from /proc, for `voxgate load --pid` and /metrics; and the
// file descriptor limit raised to its hard maximum, which thousands of concurrent calls need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace voxgate::net {

struct process_usage {
  double cpu_s = 0;  // user + system
  std::uint64_t rss_kib = 0;
};

std::optional<process_usage> read_process_usage(int pid);
process_usage own_usage();

// This process as the Prometheus client libraries report one (process_cpu_seconds_total, ...).
struct process_figures {
  double cpu_s = 0;
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;  // the soft RLIMIT_NOFILE
  double start_time_s = 0;    // since the Unix epoch
};
process_figures own_figures();

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the limit now in force.
std::uint64_t raise_fd_limit();

}  // namespace voxgate::net
