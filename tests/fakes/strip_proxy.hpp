// A misconfigured reverse proxy on 127.0.0.1: forwards each HTTP request to the gateway but drops
// the Upgrade and Connection headers, as an nginx without `proxy_set_header Upgrade` does.
#pragma once

#include <cstdint>
#include <memory>

namespace voxgate::fakes {

class strip_proxy {
 public:
  explicit strip_proxy(std::uint16_t upstream_port);
  ~strip_proxy();
  std::uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::fakes
