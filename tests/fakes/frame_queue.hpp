// The test fakes record frames with the simulator's queue (tools/sim/frame_queue.hpp).
#pragma once

#include "tools/sim/frame_queue.hpp"

namespace voxgate::fakes {
using sim::frame_queue;
using sim::queue_sink;
}  // namespace voxgate::fakes
