// X-SignalWire-Signature on cXML requests: Twilio's algorithm, base64(HMAC-SHA1(key, public URL +
// sorted form name/value pairs)), keyed with the project's Signing Key (not the API token). The
// X-Twilio-Signature header is taken as its alias, as SignalWire's own SDKs take it. Pure.
#pragma once

#include <string>
#include <string_view>

#include "net/headers.hpp"
#include "net/url.hpp"

namespace voxgate::net::signalwire {

enum class signature_check { ok, missing_signature, bad_signature };
std::string_view to_string(signature_check c);

// `full_url` is the URL SignalWire requested, built from PUBLIC_URL (query included); the port may
// be written or not (net::twilio::verify_signature tries both). X-SignalWire-Signature is tried
// first, then X-Twilio-Signature; either one matching passes.
signature_check verify_signature(std::string_view signing_key, std::string_view full_url, const param_list& form,
                                 const header_list& headers);

}  // namespace voxgate::net::signalwire
