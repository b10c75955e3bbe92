// The telephony providers VoxGate speaks, by name. Adding one is a folder here and a line in
// registry.cpp; the configuration table, --help, the routes, metrics and the actors come from here.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "net/providers/provider.hpp"

namespace voxgate::net::providers {

const std::vector<descriptor>& descriptors();

// Every provider's settings, in the order the providers declare them.
const std::vector<setting>& settings();

// The providers made from their settings' values: one instance each, for one gateway.
class set {
 public:
  explicit set(const setting_values& values);
  const provider* find(std::string_view name) const;  // null when unknown
  const std::vector<std::unique_ptr<provider>>& all() const { return list_; }

 private:
  std::vector<std::unique_ptr<provider>> list_;
};

}  // namespace voxgate::net::providers
