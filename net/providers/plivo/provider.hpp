// Plivo Voice with bidirectional Audio Streaming: the answer_url answered with Plivo XML <Stream>,
// X-Plivo-Signature-V3 on the answer webhook, the per-call token in the media socket's path, REST hang-up.
#pragma once

#include "net/providers/provider.hpp"

namespace voxgate::net::plivo {

providers::descriptor descriptor();

}  // namespace voxgate::net::plivo
