// The providers the tools can play: one line each. A provider's caller is its file in callers/
// (tools/sim/caller.hpp says what it does) and its line here.
#include "tools/sim/caller.hpp"

namespace voxgate::sim {

std::unique_ptr<caller> make_twilio_caller(const caller_settings&);      // callers/twilio.cpp
std::unique_ptr<caller> make_telnyx_caller(const caller_settings&);      // callers/telnyx.cpp
std::unique_ptr<caller> make_signalwire_caller(const caller_settings&);  // callers/signalwire.cpp
std::unique_ptr<caller> make_plivo_caller(const caller_settings&);       // callers/plivo.cpp
std::unique_ptr<caller> make_exotel_caller(const caller_settings&);      // callers/exotel.cpp
std::unique_ptr<caller> make_vonage_caller(const caller_settings&);      // callers/vonage.cpp
std::unique_ptr<caller> make_audiosocket_caller(const caller_settings&);  // callers/audiosocket.cpp

namespace {

struct entry {
  std::string_view provider;
  std::unique_ptr<caller> (*make)(const caller_settings&);
};

constexpr entry callers[] = {
    {"twilio", make_twilio_caller}, {"telnyx", make_telnyx_caller}, {"signalwire", make_signalwire_caller},
    {"plivo", make_plivo_caller},   {"exotel", make_exotel_caller},
    {"vonage", make_vonage_caller},
    {"audiosocket", make_audiosocket_caller},
};

}  // namespace

std::unique_ptr<caller> make_caller(std::string_view provider, const caller_settings& settings) {
  for (const auto& e : callers)
    if (e.provider == provider) return e.make(settings);
  return nullptr;
}

std::vector<std::string> caller_providers() {
  std::vector<std::string> out;
  for (const auto& e : callers) out.emplace_back(e.provider);
  return out;
}

}  // namespace voxgate::sim
