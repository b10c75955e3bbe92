// A deliberately minimal WebSocket client over a plain blocking socket, for sending what a
// well-behaved client library will not: binary frames, to check the gateway refuses them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "net/headers.hpp"

namespace voxgate::fakes {

class raw_ws {
 public:
  raw_ws();
  ~raw_ws();
  // Performs the upgrade; returns the HTTP status line's code (101 on success).
  int connect(const std::string& host, std::uint16_t port, const std::string& path, const net::header_list& headers);
  void send_text(const std::string& payload) { send_frame(0x1, payload); }
  void send_binary(const std::string& payload) { send_frame(0x2, payload); }

 private:
  void send_frame(std::uint8_t opcode, const std::string& payload);
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::fakes
