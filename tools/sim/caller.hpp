// One provider's side of a call in the same shape for every provider, so that `voxgate probe`, `call`
// and `load` place a call the same way whoever carries it: the webhook that announces the call, the
// gateway's answer read into the media socket to open, the frames the provider sends on it, and what
// the gateway sends back read as media, mark or clear. No I/O: the tools own their sockets, so one
// object a call serves a blocking probe and thousands of calls on one loop alike. A frame says whether
// it is text or binary, so a provider that streams binary frames (Vonage) fits the same shape; and the
// media socket may be plain TCP carrying frames the caller cuts from the bytes (Asterisk's AudioSocket).
// Providers' callers are listed in tools/sim/callers.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/headers.hpp"

namespace voxgate::sim {

class call_control_api;

struct caller_settings {
  std::string public_url;  // the gateway's PUBLIC_URL, which signatures cover (no trailing '/')
  // The provider's secret to sign with: Twilio's auth token, SignalWire's signing key, Plivo's auth
  // token, Exotel's user:password, Telnyx's Ed25519 private key (PEM), Vonage's signature secret,
  // AudioSocket's bearer secret. Empty: nothing is signed.
  std::string credential;
  std::string tool;  // "probe", "call", "load": the X-VoxGate-Simulated header's value
  // Accept a ws:// media url where the provider wants wss:// only: a gateway on this machine, no TLS.
  bool insecure_local = false;
  // Telnyx: where the gateway's Call Control commands arrive (its TELNYX_API_BASE), shared by every call.
  call_control_api* api = nullptr;
  // The gateway's port for raw TCP media, where its answer does not name one (AudioSocket: its
  // AUDIOSOCKET_PORT, the tools' --media-port). 0: not given.
  std::uint16_t media_port = 0;
};

// An HTTP request the provider makes of the gateway: target is the path (and query) under its base.
struct provider_request {
  std::string method;
  std::string target;
  net::header_list headers;
  std::string body;
};

struct provider_frame {
  std::string data;
  bool binary = false;
};

// The gateway's answer to the webhook, read as the provider reads it.
struct media_socket {
  std::string url;           // as the gateway named it: the upgrade goes to its path (and query) on the gateway
  net::header_list headers;  // the upgrade's: a signature, a token, Basic auth
  // How the media goes: a WebSocket at `url`, or (Asterisk's AudioSocket) a plain TCP connection to
  // `port` on the host the tool reaches the gateway at, carrying frames the caller cuts from the byte
  // stream (caller::frame_size); `url` then only names it for people (tcp://host:port).
  enum class transport { websocket, tcp };
  transport over = transport::websocket;
  std::uint16_t port = 0;  // tcp
};
struct call_answer {
  enum class kind { socket, pending, refused };
  kind what = kind::refused;
  media_socket socket;  // kind::socket
  // kind::refused: what the provider would make of the answer; kind::pending: what to check when the
  // answer never comes.
  std::string why;
};

// A message from the gateway on the media socket.
struct gateway_message {
  enum class kind { media, mark, clear, other, invalid };
  kind what = kind::other;
  std::string_view payload;  // media: the audio as the message carries it (see caller::decode_audio)
  std::string_view name;     // mark
};

class caller {
 public:
  virtual ~caller() = default;

  virtual std::string_view provider() const = 0;
  virtual std::string_view call_id() const = 0;  // the provider's id of this call, for log lines
  // The gateway's setting that the credential must match, for a refused signature's hint.
  virtual std::string_view credential_setting() const = 0;
  // Why the credential cannot be used as given (a key that is not one); empty when it can.
  virtual std::string credential_problem() const { return {}; }
  // Whether the gateway answers at an API this tool plays (settings' call_control_api), not in the
  // webhook's response: then the tool must start that API before the first call.
  virtual bool answers_by_api() const { return false; }

  // The request that announces the call (signed when a credential is given).
  virtual provider_request webhook() = 0;
  // Reads the webhook's answer: the socket to open, or a wait for an answer that comes another way.
  virtual call_answer read_answer(unsigned status, std::string_view content_type, std::string_view body) = 0;
  // When read_answer() said pending: asked again until it is not (Telnyx's Call Control command).
  virtual call_answer poll_answer() { return {call_answer::kind::refused, {}, "no answer is coming"}; }
  // For a provider that answers by API, a probe from outside cannot get a real media socket. What it
  // can check: that a signed notice touching no live call is accepted (notice(moment::hung_up)), and
  // that this socket, whose made-up token the gateway must refuse, reaches the gateway. `url` is a
  // path under the public URL here.
  virtual std::optional<media_socket> made_up_socket() const { return std::nullopt; }
  // What the provider tells the gateway as the call goes on (Telnyx's call.answered, streaming.started,
  // call.hangup): after the socket opened, after start, after stop. Most send nothing.
  enum class moment { answered, streaming, hung_up };
  virtual std::optional<provider_request> notice(moment) { return std::nullopt; }

  // The frames once the socket is open (connected, start).
  virtual std::vector<provider_frame> opening() = 0;
  // One 20 ms frame of caller audio, given as 160 bytes of μ-law at 8 kHz, appended to `out` as the
  // frame's payload in the provider's encoding. Returns whether the frame is binary.
  virtual bool append_media(std::string& out, std::span<const std::uint8_t> mulaw) = 0;
  // A key press on the media socket; nothing where the provider reports it another way (Telnyx: a webhook).
  virtual std::optional<provider_frame> dtmf(char digit) = 0;
  virtual provider_frame mark_played(std::string_view name) = 0;
  // What the provider answers a clear with, given the marks still pending then (Twilio: each at once).
  virtual std::vector<provider_frame> cleared(const std::vector<std::string>& pending);
  // The caller hangs up. Empty data where the provider sends nothing and its hang-up is the socket
  // closing (Vonage; AudioSocket, whose tcp socket the tools then close on their side): no frame is
  // sent, and notice(moment::hung_up) tells the gateway where the provider has such a notice.
  virtual provider_frame stop() = 0;

  // On a tcp media socket: the size of the whole frame at the front of `buffered`, or 0 until all of it
  // has come. Each whole frame, header and all, goes to read() as binary; frames sent are whole too.
  virtual std::size_t frame_size(std::string_view /*buffered*/) const { return 0; }

  // Reads a message from the gateway. `text` may be parsed in place: the views point into it.
  virtual gateway_message read(std::string& text, bool binary) = 0;
  // Media's payload as μ-law at 8 kHz into `out` (room for 3/4 of the payload's size at least);
  // the byte count, or nothing when it is not audio.
  virtual std::optional<std::size_t> decode_audio(std::string_view payload, std::uint8_t* out) = 0;
};

// A caller for `provider` (tools/sim/callers.cpp), or nothing for a provider with none.
std::unique_ptr<caller> make_caller(std::string_view provider, const caller_settings& settings);
// The providers with a caller, in the order of callers.cpp.
std::vector<std::string> caller_providers();

}  // namespace voxgate::sim

namespace voxgate::sim {

// For the callers whose gateway messages are JSON objects named by "event" (all but binary ones):
// the event names of media (audio at media.payload), mark and clear, and where a mark's name is.
struct json_event_names {
  std::string_view media = "media";
  std::string_view mark = "mark";
  std::string_view clear = "clear";
  bool name_at_top = false;  // "name" beside "event" (Plivo's checkpoint), not mark.name
};
gateway_message read_json_event(std::string& text, const json_event_names& names = {});

// For the callers that stream PCM16 (Exotel, AudioSocket): the handset's G.711 mu-law audio as
// 16-bit little-endian samples, written over `pcm`.
void ulaw_to_pcm16_le(std::span<const std::uint8_t> mulaw, std::string& pcm);

// The header each simulated webhook carries (tools/probe/probe_client.hpp's simulated_header).
inline constexpr std::string_view simulated_header = "X-VoxGate-Simulated";

}  // namespace voxgate::sim
