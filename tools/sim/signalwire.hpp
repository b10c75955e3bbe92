// SignalWire's side of a call (cXML, the Compatibility API), as docs/providers/signalwire.md §7 has
// it: the voice webhook signed with the Signing Key (X-SignalWire-Signature, or the X-Twilio-Signature
// alias, with or without ":443"); the cXML answer read and refused where SignalWire would refuse it
// (not cXML, no <Connect><Stream>, a url that is not wss, has whitespace or a query); the media socket
// opened with no signature (SignalWire signs no upgrade); SignalWire's frames (UUIDs, string counters,
// no top-level streamSid on start/media/stop, a bodiless stop); a handset that plays what the gateway
// sends at real time and echoes each mark once the audio before it has played (all pending marks at
// once on clear), and counts frames that do not name its stream (SignalWire ignores them); the
// <Stream>'s statusCallback; and the Compatibility REST API on 127.0.0.1: POST
// …/Accounts/{ProjectID}/Calls/{CallSid}[.json] with Basic auth, where Status=completed sends `stop`
// and closes the socket.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/url.hpp"
#include "net/ws_channel.hpp"
#include "tools/sim/frame_queue.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::sim {

class signalwire_sim {
 public:
  // How a request SignalWire posts is signed.
  enum class signing { signalwire_header, twilio_alias, with_port_443, none };

  struct options {
    std::string public_url;  // what SignalWire was told to call (PUBLIC_URL): signatures are over it
    std::string signing_key;
    std::string project_id;
    std::string api_token;
  };

  explicit signalwire_sim(options o);
  ~signalwire_sim();
  // Starts the sim's loop and its REST API on 127.0.0.1; empty on success.
  std::string start();
  void set_gateway(std::string url) { gateway_ = std::move(url); }  // http://127.0.0.1:port
  std::string space_url() const;                                    // SIGNALWIRE_SPACE_URL for the gateway

  // ---- webhooks ----
  // POSTs `form` to `target` (path and query) on the gateway, signed over PUBLIC_URL + target.
  net::http_client_response post_form(const std::string& target, const net::param_list& form,
                                      signing how = signing::signalwire_header);
  net::http_client_response post_voice_webhook(const std::string& call_sid, const std::string& query = {},
                                               signing how = signing::signalwire_header);
  // Reads a cXML answer: its <Stream> (url, <Parameter>s; the statusCallback kept), or in `refusal`
  // why SignalWire would not stream it (then an empty stream).
  sim::twilio::stream_instruction read_answer(const std::string& cxml, std::string* refusal = nullptr);
  const std::string& status_callback() const { return status_callback_; }
  // Posts to the statusCallback the last answer named: stream-started, stream-stopped, stream-error.
  net::http_client_response post_stream_status(const std::string& call_sid, const std::string& event,
                                               const std::string& error = {});

  // ---- the media socket ----
  // Connects to the stream's url path on the gateway (as a proxy in front of it would), unsigned.
  std::string open_media(const sim::twilio::stream_instruction& stream);  // empty on success
  void send(std::string frame);
  void send_connected();
  void send_start(const std::string& call_sid, const net::param_list& custom_parameters);
  void send_media(const std::string& raw_mulaw);
  void send_dtmf(const std::string& digit);
  void send_stop();
  void hang_up_socket();

  std::shared_ptr<frame_queue> received() const { return received_; }  // every frame from the gateway
  const std::string& stream_sid() const { return stream_sid_; }
  std::chrono::milliseconds played() const;  // what the caller has heard so far
  int stray_frames() const { return stray_->load(); }

  // ---- REST ----
  std::vector<net::http_request> rest_requests() const;
  bool wait_rest_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct handset;
  net::ws_channel_ptr channel() const;
  net::http_response on_rest(const net::http_request& req);

  options options_;
  std::string gateway_;
  std::string stream_sid_;
  std::string status_callback_;
  net::io_runtime io_{1};
  net::http_server server_;
  std::shared_ptr<frame_queue> received_ = std::make_shared<frame_queue>();
  std::shared_ptr<handset> handset_;
  std::shared_ptr<std::atomic<int>> stray_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<std::uint64_t> sequence_{1};  // start is message 1
  std::uint64_t chunk_ = 0;
  mutable std::mutex mutex_;  // guards channel_ and rest_
  mutable std::condition_variable rest_arrived_;
  net::ws_channel_ptr channel_;
  std::vector<net::http_request> rest_;
};

}  // namespace voxgate::sim
