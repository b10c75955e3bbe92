// Who may list the live calls: GET /calls names the callers (numbers, parameters), so it answers only
// the bearer of OPS_TOKEN, and no one while OPS_TOKEN is unset; refusals are counted. The probes and
// /metrics stay open.
#include "gateway_fixture.hpp"

using namespace voxgate;
using namespace voxgate::testing;

namespace {

constexpr const char* sid = "CA00000000000000000000000000000a11";
constexpr const char* caller_number = "+15005550006";  // the fake Twilio's From

class OpsAccessTest : public GatewayTest {
 protected:
  // GET `path` with this Authorization header (none when empty).
  net::http_client_response get_as(const std::string& path, const std::string& authorization) {
    net::http_client_request r;
    r.url = gateway_url() + path;
    if (!authorization.empty()) r.headers.emplace_back("authorization", authorization);
    return fakes::fetch_sync(twilio->io(), std::move(r));
  }
};

TEST_F(OpsAccessTest, OnlyTheBearerOfTheOpsTokenSeesTheLiveCalls) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return get("/calls").body.find("streaming") != std::string::npos; }));

  auto listed = get_as("/calls", std::string("Bearer ") + ops_token);
  EXPECT_EQ(listed.status, 200u);
  EXPECT_NE(listed.body.find(sid), std::string::npos) << listed.body;
  EXPECT_NE(listed.body.find(caller_number), std::string::npos) << listed.body;
  // The scheme's name in any case, and more than one space after it (RFC 9110).
  EXPECT_EQ(get_as("/calls", std::string("bearer ") + ops_token).status, 200u);
  EXPECT_EQ(get_as("/calls", std::string("Bearer   ") + ops_token).status, 200u);

  // A wrong token (of the same length too: its first or its last character changed), or none.
  std::string first_changed = ops_token, last_changed = ops_token;
  first_changed.front() = 'T';
  last_changed.back() = '4';
  for (const auto& [authorization, token_given] : std::vector<std::pair<std::string, bool>>{
           {"", false},
           {"Bearer wrong-token-0123456789", true},
           {"Bearer " + first_changed, true},
           {"Bearer " + last_changed, true},
           {std::string("Bearer ") + ops_token + "x", true},
           {"Bearer", false},
           {"Bearer   ", false},
           {std::string("Basic ") + ops_token, false},
           {ops_token, false}}) {
    auto refused = get_as("/calls", authorization);
    EXPECT_EQ(refused.status, 401u) << authorization;
    EXPECT_EQ(net::header_or(refused.headers, "www-authenticate"),
              token_given ? R"(Bearer realm="voxgate", error="invalid_token")" : R"(Bearer realm="voxgate")")
        << authorization;
    EXPECT_EQ(refused.body.find(sid), std::string::npos) << refused.body;
    EXPECT_EQ(refused.body.find(caller_number), std::string::npos) << refused.body;
  }
  EXPECT_EQ(get_as("/calls?scope=cluster", "").status, 401u);
  // Counted, so that someone trying tokens shows on a dashboard.
  EXPECT_EQ(metric(R"(voxgate_ops_requests_refused_total{reason="no_token"})"), 6);
  EXPECT_EQ(metric(R"(voxgate_ops_requests_refused_total{reason="wrong_token"})"), 4);
  EXPECT_EQ(metric(R"(voxgate_ops_requests_refused_total{reason="unset"})"), 0);

  // What a prober and a scraper read needs no token, and names no caller.
  EXPECT_EQ(get_as("/healthz", "").status, 200u);
  EXPECT_EQ(get_as("/readyz", "").status, 200u);
  auto metrics = get_as("/metrics", "");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.body.find(caller_number), std::string::npos);
}

class OpsTokenUnsetTest : public OpsAccessTest {
 protected:
  void customize(app::config& c) override { c.ops_token.clear(); }
};

TEST_F(OpsTokenUnsetTest, TheLiveCallsAreListedToNoOneAndTheRefusalSaysWhatToSet) {
  connect_call(sid);
  ASSERT_TRUE(eventually([&] { return metric(R"(voxgate_calls_active{provider="twilio",state="streaming"})") == 1; }));
  for (const std::string& authorization : {std::string(), std::string("Bearer ") + ops_token}) {
    auto refused = get_as("/calls", authorization);
    EXPECT_EQ(refused.status, 403u) << authorization;
    EXPECT_NE(refused.body.find("set OPS_TOKEN"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.body.find(caller_number), std::string::npos) << refused.body;
  }
  EXPECT_EQ(metric(R"(voxgate_ops_requests_refused_total{reason="unset"})"), 2);
  // The other reasons' series are there, at zero, from the start.
  EXPECT_NE(get("/metrics").body.find("\nvoxgate_ops_requests_refused_total{reason=\"wrong_token\"} 0\n"),
            std::string::npos);
}

}  // namespace
