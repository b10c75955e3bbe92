// A process's CPU time and resident memory from /proc, for `voxgate load --pid`; and the file
// descriptor limit raised to its hard maximum, which thousands of concurrent calls need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace voxgate::app {

struct process_usage {
  double cpu_s = 0;  // user + system
  std::uint64_t rss_kib = 0;
};

std::optional<process_usage> read_process_usage(int pid);
process_usage own_usage();

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the limit now in force.
std::uint64_t raise_fd_limit();

}  // namespace voxgate::app
