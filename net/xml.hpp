// Text escaped for XML attributes and elements: the answers of the providers that speak XML (TwiML,
// cXML, Plivo's XML) all need it.
#pragma once

#include <string>
#include <string_view>

namespace voxgate::net {

std::string xml_escape(std::string_view in);

}  // namespace voxgate::net
