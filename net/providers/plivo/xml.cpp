#include "net/providers/plivo/xml.hpp"

// The five XML entities are escaped the same way for every provider's XML: Twilio's escaper is used.
#include "net/xml.hpp"

namespace voxgate::net::plivo {
namespace {
constexpr std::string_view prolog = R"(<?xml version="1.0" encoding="UTF-8"?>)";
}

std::string stream_answer(std::string_view stream_url) {
  std::string out(prolog);
  // keepCallAlive: the stream runs alone and the call lasts as long as it; audioTrack must be inbound
  // when bidirectional. contentType is always given: Plivo's pages disagree on its default.
  out += R"(<Response><Stream bidirectional="true" keepCallAlive="true" audioTrack="inbound" )"
         R"(contentType="audio/x-mulaw;rate=8000">)";
  out += xml_escape(stream_url);
  out += "</Stream></Response>";
  return out;
}

std::string speak_and_hangup(std::string_view message) {
  std::string out(prolog);
  out += "<Response><Speak>";
  out += xml_escape(message);
  out += "</Speak><Hangup/></Response>";
  return out;
}

}  // namespace voxgate::net::plivo
