#include "tests/fakes/ed25519_signer.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "codecs/base64.hpp"

namespace voxgate::fakes {

ed25519_signer::ed25519_signer() : key_(nullptr) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &key_) != 1)
    throw std::runtime_error("Ed25519 keygen failed");
  EVP_PKEY_CTX_free(ctx);
}

ed25519_signer::~ed25519_signer() { EVP_PKEY_free(key_); }

std::string ed25519_signer::public_key_b64() const {
  unsigned char raw[32];
  std::size_t len = sizeof raw;
  EVP_PKEY_get_raw_public_key(key_, raw, &len);
  return codecs::base64::encode(std::string_view(reinterpret_cast<char*>(raw), len));
}

std::string ed25519_signer::sign_b64(const std::string& message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  if (EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    throw std::runtime_error("Ed25519 sign failed");
  EVP_MD_CTX_free(ctx);
  return codecs::base64::encode(std::string_view(reinterpret_cast<char*>(sig), len));
}

}  // namespace voxgate::fakes
