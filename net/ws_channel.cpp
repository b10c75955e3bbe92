#include "net/ws_channel.hpp"

#include <spdlog/spdlog.h>

#include "net/log_value.hpp"

namespace voxgate::net {

ws_channel::~ws_channel() { report_upgrade("-"); }

void ws_channel::hold_upgrade_line(std::string line) {
  held_line_ = std::move(line);
  line_pending_.store(true, std::memory_order_release);
}

void ws_channel::report_upgrade(std::string_view call_id) {
  if (!line_pending_.exchange(false, std::memory_order_acq_rel)) return;
  spdlog::info("upgrade call={} {}", token{call_id}, held_line_);  // the id comes from the peer's start
}

}  // namespace voxgate::net
