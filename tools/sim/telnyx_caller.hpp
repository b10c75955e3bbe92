// Telnyx's side of the protocol, for the tools that play Telnyx (voxgate call, voxgate probe, the
// test fakes): an Ed25519 signing key, the Call Control webhook envelope, and the media-streaming
// messages Telnyx sends. Pure builders and OpenSSL; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace voxgate::sim::telnyx {

// Signs webhooks the way Telnyx does: Ed25519 over "timestamp|body", base64.
class signing_key {
 public:
  signing_key();  // a fresh random key pair
  // An Ed25519 private key in PEM (openssl genpkey -algorithm ed25519); nothing if it is not one.
  static std::optional<signing_key> from_pem(std::string_view pem, std::string* why = nullptr);
  signing_key(signing_key&& other) noexcept;
  signing_key& operator=(signing_key&& other) noexcept;
  signing_key(const signing_key&) = delete;
  ~signing_key();

  std::string public_key_b64() const;  // base64 of the 32 raw bytes: the gateway's TELNYX_PUBLIC_KEY
  std::string private_key_pem() const;
  std::string sign_b64(std::string_view message) const;
  std::string signature_for(std::string_view timestamp, std::string_view body) const;

 private:
  explicit signing_key(evp_pkey_st* key) : key_(key) {}
  evp_pkey_st* key_;
};

// A Call Control webhook body (data.record_type "event") for an incoming call.
std::string webhook_event(std::string_view event_id, std::string_view event_type, std::string_view call_control_id,
                          std::string_view call_session_id, std::string_view payload_extra = {});

std::string connected_message();
std::string start_message(std::string_view stream_id, std::uint64_t sequence, std::string_view call_control_id,
                          std::string_view call_session_id, std::string_view encoding);
std::string media_message(std::string_view stream_id, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view raw_audio);
// The same message with the payload already base64-encoded, appended to `out`: for `voxgate load`.
void append_media_message(std::string& out, std::string_view stream_id, std::uint64_t sequence, std::uint64_t chunk,
                          std::string_view payload_base64);
std::string mark_echo(std::string_view stream_id, std::string_view name);
std::string stop_message(std::string_view stream_id, std::uint64_t sequence);

}  // namespace voxgate::sim::telnyx
