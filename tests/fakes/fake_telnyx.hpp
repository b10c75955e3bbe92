// A fake Telnyx: posts Call Control webhooks signed with Ed25519 (a key made at test time), records
// the REST commands the gateway sends (answer, hangup, ...), and plays the media-streaming client:
// connects to the stream_url with the x-telnyx-streaming-auth-token header, sends Telnyx frames,
// echoes marks as played.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/http_client.hpp"
#include "net/io_runtime.hpp"
#include "net/ws_channel.hpp"
#include "tests/fakes/ed25519_signer.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tests/fakes/http_peer.hpp"
#include "tests/fakes/mark_player.hpp"

namespace voxgate::fakes {

class fake_telnyx {
 public:
  fake_telnyx();
  void set_gateway(std::string url) { gateway_ = std::move(url); }  // http://127.0.0.1:port
  std::string start_rest();                                         // the fake REST API; empty on success
  std::string rest_base() const { return rest_.base_url() + "/v2"; }
  std::string public_key() const { return signer_.public_key_b64(); }
  http_peer& rest() { return rest_; }
  // The next `n` hangup commands are answered 503 (Telnyx having a bad moment); the rest as usual.
  void fail_hangups(std::size_t n) { failing_hangups_->store(static_cast<int>(n)); }

  // POSTs a signed webhook; `payload_extra` is appended inside data.payload.
  net::http_client_response post_event(const std::string& event_id, const std::string& type,
                                       const std::string& call_control_id, const std::string& session_id,
                                       const std::string& payload_extra = {}, bool sign = true);
  // Connects to `stream_url` (host swapped for the gateway's) with the auth-token header.
  std::string open_media(const std::string& stream_url, const std::string& auth_token);
  void send(std::string frame);
  void send_start(const std::string& call_control_id, const std::string& session_id, const std::string& encoding);
  void send_media(int chunk, const std::string& raw_audio);
  void send_stop();

  std::shared_ptr<frame_queue> received() const { return media_.received(); }
  net::io_runtime& io() { return media_.io(); }

 private:
  std::string gateway_;
  ed25519_signer signer_;
  http_peer rest_;
  provider_media media_;
  int sequence_ = 0;
  std::shared_ptr<std::atomic<int>> failing_hangups_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace voxgate::fakes
