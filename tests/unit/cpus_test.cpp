// The worker count follows what the process may really use: affinity and the cgroup's CPU quota.
#include "net/cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <filesystem>
#include <fstream>

using voxgate::net::cpu_limits;
using voxgate::net::usable_cpus;

TEST(UsableCpus, AContainerLimitedToOneCpuOnABigNodeGetsOne) {
  EXPECT_EQ(usable_cpus({64, std::string("100000 100000"), {}, {}}), 1);
  EXPECT_EQ(usable_cpus({64, std::string("150000 100000"), {}, {}}), 2);  // 1.5 CPUs: rounded up
  EXPECT_EQ(usable_cpus({64, std::string("50000 100000"), {}, {}}), 1);   // half a CPU: still one worker
  EXPECT_EQ(usable_cpus({64, std::string("max 100000"), {}, {}}), 64);    // no quota
}

TEST(UsableCpus, CgroupV1QuotaAndAffinity) {
  EXPECT_EQ(usable_cpus({16, {}, 200000, 100000}), 2);
  EXPECT_EQ(usable_cpus({16, {}, -1, 100000}), 16);  // -1: no quota
  EXPECT_EQ(usable_cpus({3, {}, 800000, 100000}), 3);  // pinned to 3 CPUs: the affinity wins
  EXPECT_EQ(usable_cpus({0, std::string("garbage"), {}, {}}), 1);
}

TEST(UsableCpus, ReadsTheFilesOfAFakeCgroupRoot) {
  auto root = std::filesystem::path(::testing::TempDir()) / "voxgate_cgroup";
  std::filesystem::create_directories(root);
  std::ofstream(root / "cpu.max") << "200000 100000\n";
  auto limits = voxgate::net::read_cpu_limits(root.string());
  ASSERT_TRUE(limits.cpu_max.has_value());
  EXPECT_EQ(*limits.cpu_max, "200000 100000");
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_EQ(limits.affinity, CPU_COUNT(&set));
  EXPECT_EQ(usable_cpus(limits), std::min(2, CPU_COUNT(&set)));
  std::filesystem::remove_all(root);
}
