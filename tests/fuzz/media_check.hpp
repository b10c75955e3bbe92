// Checks shared by the media-stream dialect targets (Twilio, Telnyx): what any parsed frame must
// look like, whatever the dialect.
#pragma once

#include <string>

#include "net/providers/media_dialect.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace voxgate::fuzz {

// Parses `text` with `dialect` and checks the result's shape; returns the parse's error.
inline std::string_view parse_and_check(const net::media_dialect& dialect, std::string& frame, net::media_event& ev) {
  // `frame` is a std::string: the in-situ parse relies on its terminator and writes into it.
  auto error = dialect.parse(frame, ev);
  if (!error.empty()) return error;
  std::string_view whole(frame);
  // Views point into the frame; only an error frame's text may be the parser's own fallback literal.
  FUZZ_CHECK(inside(ev.payload, whole) && (inside(ev.text, whole) || ev.kind == net::media_kind::error));
  switch (ev.kind) {
    case net::media_kind::start:
      FUZZ_CHECK(ev.start && !ev.start->call_id.empty());
      break;
    case net::media_kind::dtmf:
      FUZZ_CHECK(ev.text.size() == 1);
      break;
    case net::media_kind::media:
    case net::media_kind::mark:
    case net::media_kind::connected:
    case net::media_kind::stop:
    case net::media_kind::error:
    case net::media_kind::ignored:
      FUZZ_CHECK(!ev.start);
      break;
  }
  return error;
}

}  // namespace voxgate::fuzz
