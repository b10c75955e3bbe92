#include "net/ws_channel.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "net/log_value.hpp"

namespace voxgate::net {

ws_channel::~ws_channel() { report_upgrade("-"); }

void ws_channel::hold_upgrade_line(std::string line) {
  held_line_ = std::move(line);
  line_pending_.store(true, std::memory_order_release);
}

void ws_channel::report_upgrade(std::string_view call_id) {
  if (!line_pending_.exchange(false, std::memory_order_acq_rel)) return;
  // A call id comes from the peer's start: written plainly only when it is a plain token.
  bool plain = !call_id.empty() && call_id.size() <= 128 && std::all_of(call_id.begin(), call_id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == ':' || c == '.';
  });
  if (plain)
    spdlog::info("upgrade call={} {}", call_id, held_line_);
  else
    spdlog::info("upgrade call={} {}", quoted{call_id.substr(0, 128)}, held_line_);
}

}  // namespace voxgate::net
