// The call actor under the deterministic test coordinator: a Twilio call with a fake provider
// socket, the AI's side played by the test. Shared by the call actor's test files.
#pragma once

#include <rapidjson/document.h>

#include "actor_fixture.hpp"
#include "actors/call.hpp"
#include "actors/call_record.hpp"
#include "codecs/base64.hpp"

namespace voxgate::testing {

using namespace voxgate::actors;

inline constexpr const char* sid = "CA00000000000000000000000000000007";

class CallTest : public ActorTest {
 protected:
  std::shared_ptr<call_record> record = std::make_shared<call_record>();
  call_internal call;
  std::shared_ptr<fake_channel> provider = std::make_shared<fake_channel>();
  caf::actor watcher;  // learns when the call actor ends
  bool call_down = false;

  void SetUp() override {
    record->call.call_id = sid;
    record->call.from = "+15550001";
    record->call.parameters = {{"businessId", "acme"}};
  }

  void start_call(bool attach = true) {
    if (!record->call.provider) record->call.provider = provider_named("twilio");
    call = spawn_call(sys, env, record);
    watcher = sys.spawn([this](caf::event_based_actor* w) -> caf::behavior {
      w->monitor(call);
      w->set_down_handler([this, w](caf::down_msg&) {
        call_down = true;
        w->quit();
      });
      return {[](caf::unit_t) {}};
    });
    run();
    if (attach) {
      caf::anon_send(call, attach_atom::value, pending_socket{provider, provider_named("twilio"), ""}, start_info(sid));
      run();
    }
  }

  void TearDown() override {
    if (!call_down) caf::anon_send_exit(call, caf::exit_reason::user_shutdown);
    run();
  }

  std::size_t media_bytes() const {
    std::size_t n = 0;
    for (const auto& s : provider->sent) {
      rapidjson::Document d;
      d.Parse(s.c_str());
      if (std::string(d["event"].GetString()) == "media")
        n += codecs::base64::decode(d["media"]["payload"].GetString())->size();
    }
    return n;
  }

  void from_provider(const std::string& frame) {
    caf::anon_send(call, frame_atom::value, frame);
    run();
  }
  void ai_says(const std::string& item, std::uint32_t ms) {
    caf::anon_send(call, ai_audio_atom::value,
                   audio_chunk{codecs::audio_format::g711_ulaw(), std::string(ms * 8, '\x55'), item});
    run();
  }
};

}  // namespace voxgate::testing
