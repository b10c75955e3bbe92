// LOG_FORMAT=json: one JSON object per line, with the message escaped so that a quote, a backslash or
// a newline in it (a caller's name, a provider's error text) cannot break the line or forge fields.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace voxgate::app {

std::unique_ptr<spdlog::formatter> json_log_formatter();

}  // namespace voxgate::app
