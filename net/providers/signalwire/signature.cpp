#include "net/providers/signalwire/signature.hpp"

#include "net/providers/twilio/signature.hpp"

namespace voxgate::net::signalwire {

std::string_view to_string(signature_check c) {
  switch (c) {
    case signature_check::ok:
      return "ok";
    case signature_check::missing_signature:
      return "missing_signature";
    case signature_check::bad_signature:
      return "bad_signature";
  }
  return "bad_signature";
}

signature_check verify_signature(std::string_view signing_key, std::string_view full_url, const param_list& form,
                                 const header_list& headers) {
  bool any = false;
  for (std::string_view name : {"x-signalwire-signature", "x-twilio-signature"}) {
    auto value = header_or(headers, name);
    if (value.empty()) continue;
    any = true;
    if (twilio::verify_signature(signing_key, full_url, form, value)) return signature_check::ok;
  }
  return any ? signature_check::bad_signature : signature_check::missing_signature;
}

}  // namespace voxgate::net::signalwire
