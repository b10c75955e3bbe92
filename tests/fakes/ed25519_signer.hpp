// An Ed25519 key pair made with OpenSSL at test time, signing the way Telnyx signs webhooks.
#pragma once

#include <memory>
#include <string>

struct evp_pkey_st;

namespace voxgate::fakes {

class ed25519_signer {
 public:
  ed25519_signer();  // a fresh random key pair
  ~ed25519_signer();
  std::string public_key_b64() const;  // base64 of the 32 raw bytes, as the Telnyx portal shows it
  std::string sign_b64(const std::string& message) const;
  // The two headers Telnyx sends: telnyx-timestamp and telnyx-signature-ed25519 over "ts|body".
  std::string signature_for(const std::string& timestamp, const std::string& body) const {
    return sign_b64(timestamp + "|" + body);
  }

 private:
  evp_pkey_st* key_;
};

}  // namespace voxgate::fakes
