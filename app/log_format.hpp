// The log line formats. Messages carry text from callers and peers (a caller's name, a provider's
// error text): each format escapes it so that it can neither break the line nor forge one.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace voxgate::app {

std::unique_ptr<spdlog::formatter> json_log_formatter();
// LOG_FORMAT=text: one line per event, control characters in the message escaped (\n, \xNN).
std::unique_ptr<spdlog::formatter> text_log_formatter();

}  // namespace voxgate::app
