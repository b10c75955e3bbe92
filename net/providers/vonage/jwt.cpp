#include "net/providers/vonage/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>

#include <memory>

#include "codecs/base64.hpp"
#include "net/crypto.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"

namespace voxgate::net::vonage {
namespace {

constexpr std::string_view hs256_header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view rs256_header = R"({"alg":"RS256","typ":"JWT"})";

struct parts {
  std::string_view header, claims, signature, signed_part;
};

// "a.b.c" split; nothing unless there are exactly three non-empty parts.
std::optional<parts> split(std::string_view token) {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
  parts p{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1), token.substr(0, d2)};
  if (p.header.empty() || p.claims.empty() || p.signature.empty()) return std::nullopt;
  return p;
}

std::optional<std::int64_t> integer_claim(const rapidjson::Document& d, const char* name) {
  auto it = d.FindMember(name);
  if (it == d.MemberEnd()) return std::nullopt;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsDouble()) return static_cast<std::int64_t>(it->value.GetDouble());
  return std::nullopt;
}

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

pkey_ptr load_key(std::string_view pem, bool is_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return {nullptr, &EVP_PKEY_free};
  EVP_PKEY* key = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  return {key, &EVP_PKEY_free};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  auto out = codecs::base64::encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() > max_token_bytes || text.size() % 4 == 1) return std::nullopt;
  std::string standard;
  standard.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;  // the standard alphabet is not base64url
    standard.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  while (standard.size() % 4) standard.push_back('=');
  return codecs::base64::decode(standard);
}

std::string_view to_string(jwt_check c) {
  switch (c) {
    case jwt_check::ok:
      return "ok";
    case jwt_check::malformed:
      return "malformed token";
    case jwt_check::bad_algorithm:
      return "algorithm is not HS256";
    case jwt_check::bad_signature:
      return "signature does not match the signature secret";
    case jwt_check::bad_issuer:
      return "iss is not Vonage";
    case jwt_check::stale:
      return "iat missing or more than 300 s from now";
    case jwt_check::payload_mismatch:
      return "payload_hash does not match the request";
  }
  return "?";
}

jwt_check verify_webhook_token(std::string_view secret, std::string_view authorization, std::int64_t unix_now,
                               const std::vector<std::string>& payload_hashes, bool hash_required) {
  auto jwt = bearer_token(authorization);
  if (authorization.size() > max_token_bytes || !jwt) return jwt_check::malformed;
  auto p = split(*jwt);
  if (!p) return jwt_check::malformed;
  auto header_text = base64url_decode(p->header);
  auto claims_text = base64url_decode(p->claims);
  auto signature = base64url_decode(p->signature);
  if (!header_text || !claims_text || !signature) return jwt_check::malformed;
  rapidjson::Document header, claims;
  if (!json::parse(header, *header_text).empty() || !header.IsObject()) return jwt_check::malformed;
  // Only the algorithm Vonage uses: never "none", never an RS/HS confusion.
  if (json::string_or(header, "alg") != "HS256") return jwt_check::bad_algorithm;
  if (!crypto::constant_time_equal(crypto::hmac_sha256(secret, p->signed_part), *signature))
    return jwt_check::bad_signature;
  if (!json::parse(claims, *claims_text).empty() || !claims.IsObject()) return jwt_check::malformed;
  if (json::string_or(claims, "iss") != "Vonage") return jwt_check::bad_issuer;
  auto iat = integer_claim(claims, "iat");
  if (!iat || *iat > unix_now + iat_window_seconds || *iat < unix_now - iat_window_seconds) return jwt_check::stale;
  auto hash = json::string_of(claims, "payload_hash");
  if (!hash) return hash_required ? jwt_check::payload_mismatch : jwt_check::ok;
  for (const auto& candidate : payload_hashes)
    if (crypto::constant_time_equal(candidate, *hash)) return jwt_check::ok;
  return jwt_check::payload_mismatch;
}

std::string sign_hs256(std::string_view secret, std::string_view claims_json) {
  auto signed_part = base64url_encode(hs256_header) + "." + base64url_encode(claims_json);
  return signed_part + "." + base64url_encode(crypto::hmac_sha256(secret, signed_part));
}

std::optional<std::string> sign_rs256(std::string_view private_key_pem, std::string_view claims_json) {
  auto key = load_key(private_key_pem, true);
  if (!key) return std::nullopt;
  auto signed_part = base64url_encode(rs256_header) + "." + base64url_encode(claims_json);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1)
    return std::nullopt;
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) != 1)
    return std::nullopt;
  signature.resize(len);
  return signed_part + "." + base64url_encode(signature);
}

std::optional<std::string> verify_rs256(std::string_view public_key_pem, std::string_view token) {
  auto p = split(token);
  auto key = load_key(public_key_pem, false);
  if (!p || !key) return std::nullopt;
  auto header_text = base64url_decode(p->header);
  auto claims = base64url_decode(p->claims);
  auto signature = base64url_decode(p->signature);
  rapidjson::Document header;
  if (!header_text || !claims || !signature || !json::parse(header, *header_text).empty() || !header.IsObject() ||
      json::string_or(header, "alg") != "RS256")
    return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                       reinterpret_cast<const unsigned char*>(p->signed_part.data()), p->signed_part.size()) != 1)
    return std::nullopt;
  return claims;
}

std::string check_private_key(std::string_view pem) {
  auto key = load_key(pem, true);
  if (!key) return "not a PEM private key OpenSSL can read";
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return "not an RSA key (Vonage signs with RS256)";
  return {};
}

std::optional<std::string> application_token(std::string_view private_key_pem, std::string_view application_id,
                                             std::int64_t unix_now, std::int64_t ttl_seconds) {
  auto id = crypto::random_bytes(16);
  std::string jti;
  for (unsigned char c : id) jti += "0123456789abcdef"[c >> 4], jti += "0123456789abcdef"[c & 15];
  return sign_rs256(private_key_pem, R"({"application_id":)" + json::quote(application_id) + R"(,"iat":)" +
                                         std::to_string(unix_now) + R"(,"jti":")" + jti + R"(","exp":)" +
                                         std::to_string(unix_now + ttl_seconds) + "}");
}

}  // namespace voxgate::net::vonage
