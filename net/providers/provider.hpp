// What a telephony provider is to the rest of VoxGate: its webhooks (signature check, parsing, the
// answer), its media socket (the upgrade's check, the dialect of its frames), its REST requests during a
// call, and the traits the call actor follows. Each provider is a folder here, listed in registry.cpp;
// the routes, the actors and the operator pages go through this interface and never name a provider.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codecs/audio_format.hpp"
#include "net/http_client.hpp"
#include "net/http_types.hpp"
#include "net/providers/media_dialect.hpp"
#include "net/public_url.hpp"
#include "net/settings.hpp"
#include "net/url.hpp"

namespace voxgate::net::providers {

// Where a provider's keypad digits come from.
enum class dtmf_source : std::uint8_t { media_socket, webhook };

struct traits {
  // Media chunks are numbered and may arrive out of order: the call reorders them by number.
  bool reorders_media = false;
  dtmf_source dtmf = dtmf_source::media_socket;
  // The stream's start carries the call's token as a custom parameter (Twilio's <Parameter>): it is
  // then required there, and must match the token in the upgrade's path when both are given.
  bool token_in_start = false;
  // The shortest audio message the provider plays well (Exotel: 100 ms and more); 0: the gateway's own.
  std::uint32_t min_chunk_ms = 0;
  // The provider ends a call's stream by closing its socket, with no stop message (Plivo): a close is
  // then the caller hanging up, not the provider going away.
  bool close_is_hangup = false;
  // The provider takes outbound audio only in messages of exactly this many milliseconds (Vonage: 20;
  // another size kills its stream): the call cuts the AI's audio into such frames and pads the last
  // of a reply with silence. 0: any size.
  std::uint32_t media_frame_ms = 0;
  // The call's id is its media socket's one credential (AudioSocket's UUID, minted by the gateway at the
  // webhook): the stream's start names a ringing call, which takes one socket; no token is signed.
  bool call_id_is_credential = false;
  // The provider has no marks and no buffer of its own (AudioSocket): the gateway paces the audio it
  // sends, one frame per frame's time on its own clock, and sends silence while the AI is silent.
  bool paced_by_gateway = false;
  // The call outlives its stream (Telnyx: the stream is a fork of a call that Call Control owns):
  // closing the media socket leaves the caller on a silent line. Whenever the gateway ends a call the
  // caller did not hang up, it hangs up over REST as well.
  bool call_outlives_stream = false;
};

// Where a provider whose media comes over raw TCP rather than a WebSocket (AudioSocket) is listened for.
struct tcp_listener {
  std::string host;
  std::uint16_t port = 0;  // 0: any free port (tests)
  std::string_view port_setting;  // the setting that names the port, for the configuration's errors
};

// A call announced by a verified webhook.
struct new_call {
  std::string call_id;     // the provider's id: Twilio CallSid, Telnyx call_control_id
  std::string session_id;  // a second id where the provider has one (Telnyx call_session_id)
  std::string from;
  std::string to;
  param_list parameters;  // routing data: the webhook URL's query parameters (e.g. businessId)
  codecs::audio_format media_format = codecs::audio_format::g711_ulaw();  // what the provider streams
  std::string media_url;  // the media socket's URL without the call's token (…/<provider>/media/)
};

// A webhook about a call that already exists.
enum class event_kind : std::uint8_t { answered, hangup, stream_started, stream_stopped, stream_failed, dtmf };

struct call_event {
  std::string event_id;  // the provider's event id: deliveries are retried and duplicated
  event_kind kind = event_kind::hangup;
  std::string call_id;
  std::string session_id;
  std::string detail;  // hangup cause, failure reason, DTMF digit
};

// What a verified webhook says: a new call, an event about one, or nothing we act on (acknowledged).
using webhook = std::variant<std::monostate, new_call, call_event>;

// Why a webhook or an upgrade is refused: the status, a short label for the metric, a sentence.
struct refusal {
  unsigned status = 403;
  std::string label;
  std::string reason;
};

// How the provider answered one of our REST requests.
enum class rest_verdict : std::uint8_t {
  accepted,
  call_gone,    // the call is already over: what the request wanted is reached
  key_refused,  // our credentials were refused: nothing further can succeed
  failed,
};

class provider {
 public:
  virtual ~provider() = default;
  virtual std::string_view name() const = 0;  // routes /<name>/…, metric labels, log lines
  virtual const providers::traits& traits() const = 0;
  virtual const media_dialect& media() const = 0;

  // ---- webhooks ----
  virtual std::string_view webhook_path() const = 0;
  // The methods the webhook is routed for (Vonage's answer_url is GET by default, POST when the
  // application says so).
  virtual std::vector<std::string_view> webhook_methods() const { return {"POST"}; }
  // Where the provider posts its events about a call when that is not the webhook's own path (Vonage's
  // event_url); empty when it has none. Its requests go through verify and parse too.
  virtual std::string_view events_path() const { return {}; }
  // The signature check when the provider's credential is set; nothing when the request may pass.
  virtual std::optional<refusal> verify(const http_request& req, const public_base& base,
                                        std::int64_t unix_now) const = 0;
  // A verified request's meaning; nothing and `why` when it is malformed.
  virtual std::optional<webhook> parse(const http_request& req, const public_base& base,
                                       std::string* why) const = 0;
  // The answer to a new call's webhook once admitted (with the call's media token), or when refused.
  virtual http_response admit(const new_call& call, const std::string& token) const = 0;
  virtual http_response refuse(const new_call& call) const = 0;
  // Sent when a call is refused, so the caller hears busy (Telnyx: reject); nothing where the answer does.
  virtual std::optional<http_client_request> reject(const new_call&) const { return std::nullopt; }
  // The webhook results this provider counts, shown at zero from the first scrape.
  virtual std::vector<std::string> webhook_results() const = 0;

  // ---- the media socket ----
  virtual std::string_view media_path() const = 0;  // the call's socket is <media_path>/<token>
  // The upgrade to the media path checked: the token it carries (empty when none), or a refusal.
  virtual std::variant<std::string, refusal> check_upgrade(const http_request& req, const public_base& base) const = 0;
  // The labels check_upgrade refuses with, shown at zero from the first scrape.
  virtual std::vector<std::string> upgrade_refusals() const = 0;
  // A raw TCP listener for the media instead (its frames go through the same handshake); nothing: none.
  virtual std::optional<tcp_listener> tcp_media() const { return std::nullopt; }

  // ---- REST during a call ----
  // When the call is created, and when the provider says it was answered: e.g. Telnyx's answer or
  // streaming_start. Nothing where the webhook's answer did it.
  virtual std::optional<http_client_request> on_created(const new_call&, const std::string& /*token*/) const {
    return std::nullopt;
  }
  virtual std::optional<http_client_request> on_answered(const new_call&, const std::string& /*token*/) const {
    return std::nullopt;
  }
  // Ends the call (the AI hung up); nothing when the credentials it needs are not set.
  virtual std::optional<http_client_request> hangup(const std::string& call_id) const = 0;
  // Reads (and logs) the provider's answer to one of our requests, `what` naming it ("hangup", …).
  virtual rest_verdict judge(const std::string& call_id, std::string_view what,
                             const http_client_response& response) const;

  // ---- operators ----
  // Start-up warnings (an unset credential that turns checks off).
  virtual std::vector<std::string> warnings() const = 0;
  // Lines for the front page: where to point the provider.
  virtual std::vector<std::string> endpoints(const public_base& base) const = 0;
};

// A new call as the webhook `req` announces it: the provider's ids, the routing parameters of the
// webhook URL's query, and its media socket's URL (<media_path>/ under the public base, the token next).
new_call announced_call(std::string call_id, std::string from, std::string to, const http_request& req,
                        const public_base& base, std::string_view media_path);

// An XML answer to a webhook (TwiML, cXML, Plivo's XML).
http_response xml_answer(std::string body);
// A JSON answer to a webhook (Exotel's stream URL, Vonage's NCCO).
http_response json_answer(std::string body);

// A provider as the registry lists it: its name and settings, and how it is made from their values.
struct descriptor {
  std::string name;
  std::string summary;  // one line for the README and --help
  std::vector<setting> settings;
  std::function<std::unique_ptr<provider>(const setting_values&)> make;
};

}  // namespace voxgate::net::providers
