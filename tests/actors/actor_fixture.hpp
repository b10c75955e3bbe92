// Shared fixture for actor message-level tests: CAF's deterministic test coordinator (simulated
// time, one message at a time), a recording fake socket, a probe AI session, and a fake HTTP client.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <caf/all.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/call_env.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "codecs/base64.hpp"
#include "net/providers/registry.hpp"
#include "net/ws_channel.hpp"

namespace voxgate::testing {

class fake_channel final : public net::ws_channel {
 public:
  void send_text(std::string text, bool) override { sent.push_back(std::move(text)); }
  void send_binary(std::string bytes, bool) override { sent_binary.push_back(std::move(bytes)); }
  void close(std::string reason) override {
    if (!closed) close_reason = std::move(reason);
    closed = true;
  }
  void resume() override { ++resumes; }
  void attach(std::shared_ptr<net::ws_sink> sink) override { attached = std::move(sink); }
  net::ws_stats stats() const override { return {}; }
  const std::string& remote() const override { return remote_; }
  std::uint64_t id() const override { return 1; }

  // The `event` field of every frame sent, in order.
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& s : sent) {
      rapidjson::Document d;
      d.Parse(s.c_str());
      out.push_back(d.HasMember("event") ? d["event"].GetString() : "?");
    }
    return out;
  }
  std::size_t count(const std::string& event) const {
    std::size_t n = 0;
    for (const auto& e : events()) n += e == event;
    return n;
  }

  std::vector<std::string> sent;
  std::vector<std::string> sent_binary;
  bool closed = false;
  std::string close_reason;
  int resumes = 0;
  std::shared_ptr<net::ws_sink> attached;

 private:
  std::string remote_ = "127.0.0.1:1";
};

// What the probe AI session received, as short strings ("caller:160", "truncate:it1:250", ...).
struct ai_probe_log {
  std::vector<std::string> entries;
  std::string caller_audio;  // every caller byte, in order
  int spawned = 0;
  int terminated = 0;
  actors::ai_listener listener;  // the call that spawned the latest session
  actors::ai_audio_sink audio;   // where that session's audio goes: the call, or its transcoder
  bool has(const std::string& e) const { return std::find(entries.begin(), entries.end(), e) != entries.end(); }
};

inline actors::ai_session_actor::behavior_type probe_ai(actors::ai_session_actor::pointer self,
                                                        std::shared_ptr<ai_probe_log> log) {
  using namespace actors;
  self->attach_functor([log] { ++log->terminated; });
  return {
      [log](caller_atom, audio_chunk& c) {
        log->entries.push_back("caller:" + std::to_string(c.bytes.size()));
        log->caller_audio += c.bytes;
      },
      [log](truncate_atom, std::string& item, std::uint32_t ms) {
        log->entries.push_back("truncate:" + item + ":" + std::to_string(ms));
      },
      [log](tool_done_atom, tool_result& r) { log->entries.push_back("tool_done:" + r.call_id + ":" + r.output); },
      [log](dtmf_atom, std::string& d) { log->entries.push_back("dtmf:" + d); },
      [log](to_call_atom, ai_audio_sink& sink) {
        log->entries.push_back("to_call");
        log->audio = std::move(sink);
      },
  };
}

// An AI session that fails at the caller's first audio, as one whose socket the AI closes does.
inline actors::ai_factory ai_failing_on_audio(std::shared_ptr<ai_probe_log> log) {
  using namespace actors;
  return [log](caf::actor_system& s, ai_session_args args) {
    ++log->spawned;
    log->listener = args.listener;
    log->audio = args.audio;
    return s.spawn([](ai_session_actor::pointer me) -> ai_session_actor::behavior_type {
      return {
          [me](caller_atom, audio_chunk&) { me->quit(caf::make_error(caf::sec::runtime_error, "AI socket closed")); },
          [](truncate_atom, std::string&, std::uint32_t) {},
          [](tool_done_atom, tool_result&) {},
          [](dtmf_atom, std::string&) {},
          [](to_call_atom, ai_audio_sink&) {},
      };
    });
  };
}

struct pending_fetch {
  net::http_client_request request;
  std::function<void(net::http_client_response)> done;
};

class ActorTest : public ::testing::Test {
 protected:
  static caf::actor_system_config& make_config(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    c.set("logger.console-verbosity", caf::atom("quiet"));
    return c;
  }

  ActorTest() {
    auto e = std::make_shared<actors::call_env>();
    e->metrics = &metrics;
    e->ai_backend = "probe";
    e->token_secret = "test-secret";
    e->unix_now = [this] { return now_unix; };
    e->make_ai = [log = ai](caf::actor_system& s, actors::ai_session_args args) {
      ++log->spawned;
      log->listener = args.listener;
      log->audio = args.audio;
      return s.spawn(probe_ai, log);
    };
    e->fetch = [this](net::http_client_request r, std::function<void(net::http_client_response)> done) {
      fetches.push_back({std::move(r), std::move(done)});
    };
    env = e;
  }

  ~ActorTest() override {
    sched.run();
    sched.clock().cancel_all();
    sched.run();
  }

  void run() { sched.run(); }
  void advance(std::chrono::milliseconds d) {
    sched.advance_time(d);
    sched.run();
  }

  static std::string twilio_start(const std::string& call_sid, const std::string& token) {
    return R"({"event":"start","sequenceNumber":"1","start":{"streamSid":"MZ1","callSid":")" + call_sid +
           R"(","customParameters":{"token":")" + token +
           R"("},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ1"})";
  }
  static std::string twilio_media(std::size_t bytes, char fill = '\x7f') {
    return R"({"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"20","payload":")" +
           codecs::base64::encode(std::string(bytes, fill)) + R"("},"streamSid":"MZ1"})";
  }
  static net::stream_start start_info(const std::string& call_sid) {
    net::stream_start s;
    s.stream_id = "MZ1";
    s.call_id = call_sid;
    s.format = codecs::audio_format::g711_ulaw();
    return s;
  }

  // A provider as the gateway makes it from `provider_settings` (all of them made at the first call).
  actors::provider_ptr provider_named(std::string_view name) {
    if (!providers) providers = std::make_unique<net::providers::set>(provider_settings);
    return providers->find(name);
  }

  net::setting_values provider_settings;
  std::unique_ptr<net::providers::set> providers;
  caf::actor_system_config cfg;
  caf::actor_system sys{make_config(cfg)};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  actors::metrics_registry metrics;
  std::shared_ptr<ai_probe_log> ai = std::make_shared<ai_probe_log>();
  std::vector<pending_fetch> fetches;
  std::int64_t now_unix = 1'700'000'000;
  std::shared_ptr<actors::call_env> env;
};

}  // namespace voxgate::testing
