#include "actors/messages.hpp"

namespace voxgate::actors {

std::string_view to_string(outcome o) {
  switch (o) {
    case outcome::completed:
      return "completed";
    case outcome::end_call:
      return "end_call";
    case outcome::ai_ended:
      return "ai_ended";
    case outcome::ai_failed:
      return "ai_failed";
    case outcome::no_media:
      return "no_media";
    case outcome::stream_failed:
      return "stream_failed";
    case outcome::provider_closed:
      return "provider_closed";
    case outcome::provider_request_failed:
      return "provider_request_failed";
    case outcome::internal_error:
      return "internal_error";
    case outcome::shutdown:
      return "shutdown";
  }
  return "?";
}

std::string_view to_string(ai_state s) {
  switch (s) {
    case ai_state::ready:
      return "ready";
    case ai_state::speech_stopped:
      return "speech_stopped";
    case ai_state::response_done:
      return "response_done";
  }
  return "?";
}

}  // namespace voxgate::actors
