#include "net/providers/twilio/twiml.hpp"

#include "net/xml.hpp"

namespace voxgate::net::twilio {

std::string connect_stream(std::string_view stream_url, const param_list& parameters,
                           std::string_view status_callback) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url=")";
  out += xml_escape(stream_url);
  out += '"';
  if (!status_callback.empty()) {
    out += R"( statusCallback=")";
    out += xml_escape(status_callback);
    out += '"';
  }
  out += '>';
  for (const auto& [name, value] : parameters) {
    if (name.size() + value.size() > max_parameter_length) continue;
    out += R"(<Parameter name=")";
    out += xml_escape(name);
    out += R"(" value=")";
    out += xml_escape(value);
    out += R"("/>)";
  }
  out += "</Stream></Connect></Response>";
  return out;
}

std::string say_and_hangup(std::string_view message) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?><Response><Say>)";
  out += xml_escape(message);
  out += "</Say><Hangup/></Response>";
  return out;
}

std::string reject(std::string_view reason) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason=")";
  out += xml_escape(reason);
  out += R"("/></Response>)";
  return out;
}

param_list stream_parameters(const std::string& call_sid, const std::string& token, const param_list& routing) {
  param_list out{{"callSid", call_sid}, {"token", token}};
  for (const auto& p : routing)
    if (p.first != "token" && p.first != "callSid") out.push_back(p);
  return out;
}

}  // namespace voxgate::net::twilio
