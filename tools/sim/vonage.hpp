// Vonage's side of a call, as faithful as docs/providers/vonage.md section 5 makes it: the signed answer
// webhook (GET, HS256 JWT), the NCCO validated as Vonage would, the WebSocket it dials (websocket:connected
// with the headers flattened, then exact 20 ms binary PCM frames at real-time pace, DTMF text frames), a
// handset that plays what comes back at real time (only exact-size binary frames: another size ends the
// stream), answers a notify once the audio before it has played and a clear with websocket:cleared, the
// event webhooks, and the REST hang-up (PUT /v1/calls/{uuid}, its RS256 application token verified).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "tools/sim/frame_queue.hpp"
#include "tools/sim/vonage_wire.hpp"

namespace voxgate::sim {

class vonage_call {
 public:
  struct options {
    std::string gateway;           // http://127.0.0.1:port: where the requests really go
    std::string signature_secret;  // signs the webhooks; empty: nothing is signed
    std::string application_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    std::string public_key_pem;  // verifies the REST hang-up's application token
    std::string api_key = "abcd1234";
    std::string from = "447700900000";
    std::string to = "442079460000";
    std::size_t max_queued_frames = 3072;  // Vonage's outbound buffer (about 60 s)
    bool echo_notifies_on_clear = false;   // undocumented: pending notifies dropped by default
    bool answer_by_post = false;           // the application's answer_method: GET (Vonage's default) or POST
  };
  using signing = vonage::signing;

  explicit vonage_call(options o);
  ~vonage_call();
  vonage_call(const vonage_call&) = delete;
  vonage_call& operator=(const vonage_call&) = delete;

  void set_gateway(std::string url) { options_.gateway = std::move(url); }  // once the gateway listens

  // ---- webhooks ----
  // GET /vonage/voice?[query&]to=&from=&uuid=&conversation_uuid=, signed as `how` says; with
  // answer_by_post, POST /vonage/voice[?query] with those four fields as a JSON body, the body signed.
  // On a 200 the NCCO is validated as Vonage does (ncco_error() says why not) and its websocket
  // endpoint kept.
  net::http_client_response answer(const std::string& uuid, const std::string& query = {},
                                   signing how = signing::valid);
  std::string ncco_error() const;
  std::string endpoint_uri() const;   // the NCCO's websocket uri
  std::string endpoint_json() const;  // the whole endpoint object, as JSON
  // POSTs an event (JSON) to the NCCO's eventUrl (or /vonage/events), signed as `how` says.
  net::http_client_response post_event(const std::string& json, signing how = signing::valid);
  std::vector<std::pair<std::string, unsigned>> events_posted() const;  // status, HTTP answer

  // ---- the WebSocket ----
  // Dials `uri` (the NCCO's when empty) at the gateway, path and query kept, and sends websocket:connected
  // with the endpoint's headers flattened. An error, or empty once connected.
  std::string connect(std::string uri = {});
  void speak(const std::string& pcm);  // the caller's PCM16 LE, sent in exact 20 ms frames in real time
  void send_dtmf(char digit);
  void send_text(std::string frame);              // anything else (an unknown event)
  void hang_up();                                 // the caller hangs up: the socket closes, completed is posted
  std::shared_ptr<frame_queue> received() const;  // every text frame from the gateway
  std::shared_ptr<frame_queue> sent() const;      // every text frame sent to it
  bool socket_closed() const;

  // ---- the handset ----
  std::chrono::milliseconds played() const;  // audio the caller has heard
  std::chrono::milliseconds queued() const;  // audio waiting to play
  std::string audio_received() const;        // every binary frame's bytes, in order (first 10 s)
  std::size_t frames_received() const;
  std::size_t clears() const;
  std::size_t notifies_answered() const;
  // What Vonage would refuse or log: a binary frame of another size (the stream then ends), an unknown
  // action, a notify without a payload, a queue overflow.
  std::vector<std::string> protocol_errors() const;

  // ---- Vonage's REST API ----
  struct rest_call {
    std::string method;
    std::string target;
    unsigned status = 0;
  };
  std::string start_rest();       // on 127.0.0.1; call before anything else. An error, or empty.
  std::string rest_base() const;  // http://127.0.0.1:port: VONAGE_API_URL
  std::vector<rest_call> rest_calls() const;
  bool wait_rest_calls(std::size_t n, std::chrono::milliseconds timeout) const;

  net::io_runtime& io() { return io_; }

  struct state;

 private:
  void run();  // the sim's timer thread: caller frames when due, notifies once played
  net::header_list signed_headers(const std::string& payload, signing how) const;

  options options_;
  net::io_runtime io_{1};
  std::shared_ptr<state> state_;
  std::unique_ptr<net::http_server> rest_;
  std::thread timer_;
};

}  // namespace voxgate::sim
