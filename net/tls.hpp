// Outbound TLS settings: verification is always on; tests add a CA file instead of turning it off.
#pragma once

#include <string>

namespace voxgate::net {

struct tls_settings {
  std::string ca_file;  // extra trusted CA (PEM); empty = the system store only
};

}  // namespace voxgate::net
