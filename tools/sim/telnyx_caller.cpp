#include "tools/sim/telnyx_caller.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <charconv>
#include <stdexcept>
#include <utility>

#include "codecs/base64.hpp"
#include "net/json.hpp"

namespace voxgate::sim::telnyx {

signing_key::signing_key() : key_(nullptr) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key_) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) throw std::runtime_error("Ed25519 key generation failed");
}

std::optional<signing_key> signing_key::from_pem(std::string_view pem, std::string* why) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    if (why) *why = "not an Ed25519 private key in PEM (make one with: openssl genpkey -algorithm ed25519)";
    return std::nullopt;
  }
  return signing_key(key);
}

signing_key::signing_key(signing_key&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}

signing_key& signing_key::operator=(signing_key&& other) noexcept {
  std::swap(key_, other.key_);
  return *this;
}

signing_key::~signing_key() { EVP_PKEY_free(key_); }

std::string signing_key::public_key_b64() const {
  unsigned char raw[32];
  std::size_t len = sizeof raw;
  EVP_PKEY_get_raw_public_key(key_, raw, &len);
  return codecs::base64::encode(std::string_view(reinterpret_cast<char*>(raw), len));
}

std::string signing_key::private_key_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (bio && PEM_write_bio_PrivateKey(bio, key_, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  return out;
}

std::string signing_key::sign_b64(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
            EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("Ed25519 signing failed");
  return codecs::base64::encode(std::string_view(reinterpret_cast<char*>(sig), len));
}

std::string signing_key::signature_for(std::string_view timestamp, std::string_view body) const {
  std::string message(timestamp);
  message += '|';
  message += body;
  return sign_b64(message);
}

std::string webhook_event(std::string_view event_id, std::string_view event_type, std::string_view ccid,
                          std::string_view session, std::string_view payload_extra) {
  return R"({"data":{"record_type":"event","id":)" + net::json::quote(event_id) + R"(,"event_type":)" +
         net::json::quote(event_type) + R"(,"occurred_at":"2026-11-21T10:00:00.000000Z","payload":{"call_control_id":)" +
         net::json::quote(ccid) + R"(,"call_leg_id":"leg-1","call_session_id":)" + net::json::quote(session) +
         R"(,"connection_id":"7267","from":"+13125550100","to":"+13125550199","direction":"incoming","state":"parked")" +
         std::string(payload_extra) + R"(}},"meta":{"attempt":1}})";
}

std::string connected_message() { return R"({"event":"connected","version":"1.0.0"})"; }

std::string start_message(std::string_view stream_id, std::uint64_t sequence, std::string_view ccid,
                          std::string_view session, std::string_view encoding) {
  return R"({"event":"start","sequence_number":")" + std::to_string(sequence) + R"(","stream_id":)" +
         net::json::quote(stream_id) + R"(,"start":{"user_id":"u1","call_control_id":)" + net::json::quote(ccid) +
         R"(,"call_session_id":)" + net::json::quote(session) +
         R"(,"from":"+13125550100","to":"+13125550199","client_state":null,"media_format":{"encoding":)" +
         net::json::quote(encoding) + R"(,"sample_rate":8000,"channels":1}}})";
}

std::string media_message(std::string_view stream_id, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view raw_audio) {
  std::string out;
  append_media_message(out, stream_id, sequence, chunk, codecs::base64::encode(raw_audio));
  return out;
}

void append_media_message(std::string& out, std::string_view stream_id, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view payload_base64) {
  auto number = [&out](std::uint64_t v) {
    char digits[20];
    auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
  };
  out.append(R"({"event":"media","sequence_number":")");
  number(sequence);
  out.append(R"(","media":{"track":"inbound","chunk":")");
  number(chunk);
  out.append(R"(","timestamp":")");
  number(chunk * 20);
  out.append(R"(","payload":")");
  out.append(payload_base64);
  out.append(R"("},"stream_id":)");
  net::json::append_string(out, stream_id);
  out.push_back('}');
}

std::string mark_echo(std::string_view stream_id, std::string_view name) {
  return R"({"event":"mark","stream_id":)" + net::json::quote(stream_id) + R"(,"mark":{"name":)" + net::json::quote(name) + "}}";
}

std::string stop_message(std::string_view stream_id, std::uint64_t sequence) {
  return R"({"event":"stop","sequence_number":")" + std::to_string(sequence) + R"(","stream_id":)" +
         net::json::quote(stream_id) + R"(,"stop":{}})";
}

}  // namespace voxgate::sim::telnyx
