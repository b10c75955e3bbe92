// The metrics registry: a label whose values come from a peer cannot grow /metrics without bound.
#include <gtest/gtest.h>

#include <string>

#include "actors/metrics.hpp"

using namespace voxgate::actors;

TEST(Metrics, AnOutsideLabelKeepsPlainValuesUpToItsBoundAndCountsTheRestAsOther) {
  family<counter> errors{"voxgate_test_errors_total", "test", {"backend", "code"}};
  errors.bound_outside_label(1, 3);
  errors.with({"openai", "rate_limit_exceeded"}).inc();
  errors.with({"openai", "rate_limit_exceeded"}).inc();
  errors.with({"openai", "session_expired"}).inc();
  errors.with({"openai", "bad code"}).inc();             // a space
  errors.with({"openai", std::string(65, 'a')}).inc();   // too long
  errors.with({"openai", "server_error"}).inc();         // the third distinct value
  errors.with({"openai", "invalid_value"}).inc();        // past the bound
  errors.with({"openai", "rate_limit_exceeded"}).inc();  // one seen before still counts as itself
  EXPECT_EQ(errors.value_of({"openai", "rate_limit_exceeded"}), 3);
  EXPECT_EQ(errors.value_of({"openai", "session_expired"}), 1);
  EXPECT_EQ(errors.value_of({"openai", "server_error"}), 1);
  EXPECT_EQ(errors.value_of({"openai", "other"}), 3);
  EXPECT_EQ(errors.value_of({"openai", "invalid_value"}), 0);
  std::string text;
  errors.render(text);
  EXPECT_EQ(text.find("bad code"), std::string::npos) << text;
  EXPECT_EQ(text.find("aaaa"), std::string::npos) << text;
}

// A peer that sends "other" joins the overflow and takes no name's place; two families that name the
// same things (a tool's calls and their durations) keep a name in both or in neither.
TEST(Metrics, OtherTakesNoPlaceAndSharedNamesAgree) {
  family<counter> calls{"voxgate_test_calls_total", "test", {"tool", "result"}};
  family<counter> failures{"voxgate_test_failures_total", "test", {"tool"}};
  failures.bound_outside_label(0, 2, calls.bound_outside_label(0, 2));
  calls.with({"other", "ok"}).inc();
  calls.with({"lookup", "ok"}).inc();
  failures.with({"refund"}).inc();  // the second name, taken by the other family
  calls.with({"refund", "ok"}).inc();
  calls.with({"escalate", "ok"}).inc();
  failures.with({"escalate"}).inc();
  EXPECT_EQ(calls.value_of({"lookup", "ok"}), 1);
  EXPECT_EQ(calls.value_of({"refund", "ok"}), 1);
  EXPECT_EQ(calls.value_of({"other", "ok"}), 2);  // the peer's "other" and "escalate"
  EXPECT_EQ(failures.value_of({"refund"}), 1);
  EXPECT_EQ(failures.value_of({"other"}), 1);
}

TEST(Metrics, TheRegistryBoundsTheLabelsAPeerChooses) {
  metrics_registry m;
  auto values_from = [&](int first, int n) {
    for (int i = first; i < first + n; ++i) {
      m.ai_errors.with({"openai-realtime", "code_" + std::to_string(i)}).inc();
      m.tool_calls.with({"tool_" + std::to_string(i), "ok"}).inc();
      m.tool_duration.with({"tool_" + std::to_string(i), "ok"}).observe(0.1);
    }
  };
  values_from(0, 1000);
  auto text = m.render();
  EXPECT_EQ(m.ai_errors.value_of({"openai-realtime", "other"}), 1000 - 32);
  EXPECT_EQ(m.tool_calls.value_of({"other", "ok"}), 1000 - 64);
  EXPECT_EQ(text.find("code_999"), std::string::npos);
  EXPECT_EQ(text.find("tool_999"), std::string::npos);
  values_from(1000, 1000);  // a thousand more: the counts move, the page does not grow
  EXPECT_LT(m.render().size(), text.size() + 100);
}
