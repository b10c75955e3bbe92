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
