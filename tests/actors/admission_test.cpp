#include "actors/admission.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace {

using namespace std::chrono_literals;
using voxgate::actors::admission_limits;
using voxgate::actors::choose_worker;
using voxgate::actors::projected_busy;
using voxgate::actors::why_no_worker;
using voxgate::actors::worker_view;

TEST(Admission, WaitingCallsCountAtTheCostOfTheStreamingOnes) {
  // 100 streaming calls keep the loop 50 % busy: 0.5 % each. 20 more wait for their media socket.
  worker_view w{120, 20, 0.5, 0us};
  EXPECT_NEAR(projected_busy(w), 0.5 + 0.005 * 21, 1e-9);
  w.waiting = 0;
  w.calls = 100;
  EXPECT_NEAR(projected_busy(w), 0.505, 1e-9);
}

TEST(Admission, WithNothingStreamingTheShareIsAsMeasured) {
  EXPECT_DOUBLE_EQ(projected_busy({0, 0, 0.01, 0us}), 0.01);
  EXPECT_DOUBLE_EQ(projected_busy({30, 30, 0.02, 0us}), 0.02) << "no call's cost is known yet";
}

TEST(Admission, TheLeastLoadedWorkerWithinTheLimitsTakesTheCall) {
  admission_limits limits{20ms, 0.85};
  std::vector<worker_view> workers{{10, 0, 0.30, 1ms}, {5, 0, 0.15, 1ms}};
  EXPECT_EQ(choose_worker(workers, limits), 1);
  workers[1].lag = 25ms;
  EXPECT_EQ(choose_worker(workers, limits), 0) << "a lagging loop takes nothing";
  workers[1].lag = 1ms;
  workers[1].busy = 0.85;  // 5 calls at 17 % each: a sixth would take it past the bound
  EXPECT_EQ(choose_worker(workers, limits), 0) << "nor does one that one more call would make too busy";
  workers[0].calls = 40;
  workers[0].waiting = 30;  // 10 streaming at 3 % each; 31 more would be 1.23
  EXPECT_EQ(choose_worker(workers, limits), -1) << "every worker full: the call is refused";
}

TEST(Admission, TheRefusalSaysWhatKeptEachWorkerFromTheCall) {
  admission_limits limits{20ms, 0.70};
  std::vector<worker_view> workers{{10, 0, 0.30, 34400us}, {100, 20, 0.60, 1ms}, {100, 0, 0.90, 45ms}};
  EXPECT_EQ(why_no_worker(workers, limits),
            "worker 0: loop 34.4 ms behind, bound 20 ms; "
            "worker 1: 75.8 % busy with this call (60.0 % at most in the last second, 80 streaming, 20 waiting for media), bound 70 %; "
            "worker 2: loop 45.0 ms behind, bound 20 ms, 90.9 % busy with this call (90.0 % at most in the last second, 100 streaming, "
            "0 waiting for media), bound 70 %");
  workers[0].lag = 1ms;
  EXPECT_EQ(why_no_worker({workers[0]}, limits), "worker 0: has room");
}

TEST(Admission, AZeroLimitIsNoLimit) {
  std::vector<worker_view> workers{{500, 400, 0.99, 900ms}};
  EXPECT_EQ(choose_worker(workers, {0ms, 0}), 0);
  EXPECT_EQ(choose_worker(workers, {0ms, 0.85}), -1);
  EXPECT_EQ(choose_worker(workers, {20ms, 0}), -1);
}

}  // namespace
