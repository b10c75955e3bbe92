#include "net/providers/registry.hpp"

#include "net/providers/audiosocket/provider.hpp"
#include "net/providers/exotel/provider.hpp"
#include "net/providers/plivo/provider.hpp"
#include "net/providers/signalwire/provider.hpp"
#include "net/providers/telnyx/provider.hpp"
#include "net/providers/twilio/provider.hpp"
#include "net/providers/vonage/provider.hpp"

namespace voxgate::net::providers {

const std::vector<descriptor>& descriptors() {
  static const std::vector<descriptor> list = {
      twilio::descriptor(),
      telnyx::descriptor(),
      plivo::descriptor(),
      signalwire::descriptor(),
      exotel::descriptor(),
      vonage::descriptor(),
      audiosocket::descriptor(),
  };
  return list;
}

const std::vector<setting>& settings() {
  static const std::vector<setting> all = [] {
    std::vector<setting> out;
    for (const auto& d : descriptors()) out.insert(out.end(), d.settings.begin(), d.settings.end());
    return out;
  }();
  return all;
}

set::set(const setting_values& values) {
  for (const auto& d : descriptors()) list_.push_back(d.make(values));
}

const provider* set::find(std::string_view name) const {
  for (const auto& p : list_)
    if (p->name() == name) return p.get();
  return nullptr;
}

}  // namespace voxgate::net::providers
