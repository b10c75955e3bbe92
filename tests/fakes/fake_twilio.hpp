// A fake Twilio: places a call the way Twilio does (a signed voice webhook, then the media
// WebSocket named in the TwiML, signed), streams caller audio, echoes marks as played, and records
// everything the gateway sends back.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "net/http_client.hpp"
#include "net/io_runtime.hpp"
#include "net/url.hpp"
#include "net/ws_channel.hpp"
#include "tests/fakes/frame_queue.hpp"
#include "tests/fakes/mark_player.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::fakes {

// TwiML is read with the tools' parser, sim::twilio::parse_stream_instruction.
using twiml_stream = sim::twilio::stream_instruction;

class fake_twilio {
 public:
  // `gateway` is where sockets really go (http://127.0.0.1:port); `public_url` is what Twilio
  // was told to call (PUBLIC_URL), the URL signatures are computed over.
  fake_twilio(std::string gateway, std::string public_url, std::string auth_token);

  net::http_client_response post_voice_webhook(const std::string& call_sid, const std::string& query = {},
                                               bool sign = true);
  // Opens the media socket for the stream the TwiML named (the host is swapped for the gateway's,
  // as a proxy would); sends the signature unless `sign` is false. Empty on success.
  std::string open_media(const twiml_stream& stream, bool sign = true);
  void send(std::string frame);
  void send_connected();
  void send_start(const std::string& call_sid, const net::param_list& custom_parameters);
  void send_media(const std::string& raw_audio);
  void send_dtmf(const std::string& digit);
  void send_stop(const std::string& call_sid);
  void hang_up_socket();

  std::shared_ptr<frame_queue> received() const { return media_.received(); }
  const mark_player& handset() const { return media_.handset(); }
  net::io_runtime& io() { return media_.io(); }
  const std::string& stream_sid() const { return stream_sid_; }

 private:
  std::string gateway_;
  std::string public_url_;
  std::string auth_token_;
  std::string stream_sid_ = "MZ00000000000000000000000000000001";
  provider_media media_;
  int sequence_ = 0;
};

}  // namespace voxgate::fakes
