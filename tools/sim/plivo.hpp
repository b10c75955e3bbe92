// Plivo's side of a call, as faithful as docs/providers/plivo.md section 6 makes it: the signed answer_url
// POST, the <Stream> answer read as Plivo reads it, the media socket (signed GET, retried twice), start /
// media / dtmf / stop, a handset that plays playAudio at real time and answers a checkpoint only once
// the audio before it has played, clearAudio answered by clearedAudio (cleared checkpoints are never
// answered), and Plivo's REST API for the hang-up (Basic auth; a DELETE without a CallUUID is recorded).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "tools/sim/frame_queue.hpp"

namespace voxgate::sim {

class plivo_call {
 public:
  struct options {
    std::string gateway;     // http://127.0.0.1:port: where the requests really go
    std::string public_url;  // the gateway's PUBLIC_URL: what Plivo signs
    std::string auth_token;  // signs the webhook and the upgrade; empty: nothing is signed
    std::string auth_id = "MAVOXGATESIM00000000";
    int connect_retries = 2;  // Plivo retries a failed stream connection twice
  };
  enum class signing { valid, tampered, none };

  explicit plivo_call(options o);
  ~plivo_call();
  plivo_call(const plivo_call&) = delete;
  plivo_call& operator=(const plivo_call&) = delete;

  void set_gateway(std::string url) { options_.gateway = std::move(url); }  // once the gateway listens

  // ---- the answer webhook and the stream ----
  // POSTs the answer form for `call_uuid` to /plivo/voice[?query]. `tampered` signs, then changes a field.
  net::http_client_response post_answer(const std::string& call_uuid, const std::string& query = {},
                                        signing how = signing::valid);
  // Reads the answer's <Stream> as Plivo does and opens its URL's path on the gateway (signed GET),
  // retrying as Plivo does. Returns an error text, or empty once the socket is open.
  std::string open_stream(const std::string& answer_xml);
  std::string open_media(const std::string& stream_url);  // the same, for a URL at hand
  std::string stream_id() const;                          // this stream's streamId, fresh for each call

  // ---- Plivo's messages (sequenceNumber counts every one, from 1) ----
  void send_start(const std::string& call_uuid);
  void send_media(const std::string& raw_mulaw);  // one frame (20 ms is 160 bytes)
  void send_dtmf(const std::string& digit);
  void send_stop();                               // not documented by Plivo; some of its SDKs map it
  void hang_up();                                 // what Plivo does: the socket closes, no stop frame
  std::shared_ptr<frame_queue> received() const;  // every frame from the gateway
  std::shared_ptr<frame_queue> sent() const;      // every frame sent to it, playedStream included

  // ---- the handset ----
  std::chrono::milliseconds played() const;  // audio the caller has heard so far
  std::chrono::milliseconds queued() const;  // audio waiting to play
  // What Plivo would refuse or log as a failure: a playAudio of the wrong format, a binary or unknown
  // message, a checkpoint or clearAudio for another stream.
  std::vector<std::string> protocol_errors() const;

  // ---- Plivo's REST API ----
  struct rest_call {
    std::string method;
    std::string target;
    unsigned status = 0;
  };
  // On 127.0.0.1; call before anything else (the sim's loop starts with it). Returns an error, or empty.
  std::string start_rest();
  std::string rest_base() const;  // http://127.0.0.1:port/v1: PLIVO_API_BASE
  std::vector<rest_call> rest_calls() const;
  bool wait_rest_calls(std::size_t n, std::chrono::milliseconds timeout) const;
  // DELETEs of …/Call/ with no CallUUID: on Plivo they end every call of the account.
  int account_wide_hangups() const;

  net::io_runtime& io() { return io_; }

  struct state;

 private:
  void play();  // the handset's thread: answers checkpoints as their audio finishes playing
  void run();   // starts the loop once (after the REST listener, when there is one)

  options options_;
  net::io_runtime io_{1};
  std::shared_ptr<state> state_;
  std::unique_ptr<net::http_server> rest_;
  std::thread player_;
  bool running_ = false;  // the test's thread only
};

}  // namespace voxgate::sim
