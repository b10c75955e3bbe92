#include "tools/probe/call_command.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>

#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "codecs/resampler.hpp"
#include "codecs/wav.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "net/json.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/url.hpp"
#include "tools/probe/probe_client.hpp"
#include "tools/sim/call_control_api.hpp"
#include "tools/sim/playback.hpp"
#include "tools/sim/telnyx_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::tools {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The caller waits for the gateway's greeting as a person does: until its audio has played and this
// long has passed without more; and never longer than the bound, so a silent gateway cannot stall it.
constexpr auto greeting_quiet = 700ms;
constexpr auto greeting_bound = 8s;
constexpr auto greeting_absent = 4s;  // no audio at all by then: the agent does not greet (AGENT_GREETS_FIRST=0)

std::size_t samples_in(double seconds) { return static_cast<std::size_t>(std::lround(seconds * 8000)); }

// Quiet, then a second of a voiced tone, then quiet: the local agent hears the caller, and after the
// pause plays them back (started without waiting for the greeting, the tone also talks over it: barge-in).
std::vector<std::int16_t> test_signal(double seconds) {
  std::vector<std::int16_t> s(samples_in(seconds), 0);
  for (std::size_t i = 2400; i < 10400 && i < s.size(); ++i) {
    double t = static_cast<double>(i) / 8000.0;
    s[i] = static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * 220 * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * t)));
  }
  return s;
}

std::optional<std::vector<std::int16_t>> load_wav_8k(const std::string& path, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read " + path;
    return std::nullopt;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto audio = codecs::wav::from_bytes(bytes, &why);
  if (!audio) return std::nullopt;
  if (audio->sample_rate == 8000) return audio->samples;
  codecs::resampler r(audio->sample_rate, 8000);
  std::vector<std::int16_t> out;
  r.process_append(audio->samples, out);
  return out;
}

// The caller's phone: the simulator's playback (marks answered when their audio has played), and a
// recording of what was heard, placed at the time it played.
class handset {
 public:
  explicit handset(clock_type::time_point start) : start_(start) {}

  void on_media(const std::string& mulaw, clock_type::time_point now) {
    auto offset = sample_at(playback_.on_media(mulaw.size(), now));
    if (heard_.size() < offset + mulaw.size()) heard_.resize(offset + mulaw.size(), 0);
    for (std::size_t i = 0; i < mulaw.size(); ++i)
      heard_[offset + i] = codecs::g711::ulaw_to_linear(static_cast<std::uint8_t>(mulaw[i]));
  }
  void on_mark(std::string name, clock_type::time_point now) { playback_.on_mark(std::move(name), now); }
  // Everything not yet played is dropped; every pending mark comes back at once.
  std::vector<std::string> on_clear(clock_type::time_point now) {
    if (auto cut = sample_at(now); heard_.size() > cut) heard_.resize(cut);
    return playback_.on_clear(now);
  }
  std::vector<std::string> due_marks(clock_type::time_point now) { return playback_.due(now); }
  // When everything received so far will have played.
  clock_type::time_point played_until() const { return playback_.played_until(); }
  std::vector<std::int16_t>& heard() { return heard_; }

 private:
  std::size_t sample_at(clock_type::time_point t) const {
    return static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::microseconds>(t - start_).count() * 8 /
                                    1000);
  }

  clock_type::time_point start_;
  sim::playback playback_;
  std::vector<std::int16_t> heard_;
};

// What differs between providers once the media socket is open: the messages the caller's side sends.
struct media_script {
  std::function<std::string(std::size_t n, const std::string& mulaw)> media;
  std::function<std::string(const std::string& name)> mark_echo;
  std::function<std::string()> stop;
  std::function<void()> after_stop;  // e.g. Telnyx's call.hangup webhook
};

using note_fn = std::function<void(std::string)>;

// Why a webhook did not get 200, with the likely cause when it is a common one.
std::string webhook_failure(const probe_step& hook, const probe_http_response& res, const net::url& gateway) {
  if (hook.ok) return "webhook: HTTP " + std::to_string(res.status) + " " + res.body;
  std::string out = "webhook: " + hook.detail;
  if (hook.plain_http) return out + " (is the gateway plain http? try http://" + gateway.host_port() + ")";
  if (hook.detail.rfind("connect:", 0) == 0)
    return out + " (is the gateway running, and listening at " + gateway.host_port() + "?)";
  return out;
}

std::optional<media_script> place_twilio(const call_options& o, const net::url& gateway, const std::string& public_url,
                                         probe_client& client, const note_fn& note, call_result& r) {
  auto call_sid = sim::twilio::random_sid("CA");
  auto form = sim::twilio::voice_webhook_form(call_sid);
  net::header_list headers{{"Content-Type", "application/x-www-form-urlencoded"}, {simulated_header, "call"}};
  if (!o.auth_token.empty())
    headers.emplace_back("X-Twilio-Signature",
                         net::twilio::compute_signature(o.auth_token, public_url + "/twilio/voice", form));
  probe_http_response res;
  auto hook = client.http("POST", "/twilio/voice", headers, net::encode_form(form), res);
  if (!hook.ok || res.status != 200) {
    r.error = webhook_failure(hook, res, gateway);
    return std::nullopt;
  }
  note("webhook answered (HTTP 200, " + std::to_string(hook.took.count()) + " ms) call=" + call_sid);
  auto instruction = sim::twilio::parse_stream_instruction(res.body);
  if (!instruction) {
    r.error = "the gateway did not connect the call: " + res.body;
    return std::nullopt;
  }
  auto stream = net::parse_url(instruction->url);
  net::header_list ws_headers;
  if (!o.auth_token.empty())
    ws_headers.emplace_back("X-Twilio-Signature", net::twilio::compute_signature(o.auth_token, instruction->url, {}));
  probe_http_response up;
  if (!stream || !client.upgrade(std::string(stream->path()), ws_headers, up).ok) {
    r.error = "media upgrade to " + instruction->url + " failed: HTTP " + std::to_string(up.status);
    return std::nullopt;
  }
  note("media socket open (" + instruction->url + ")");
  std::string sid = sim::twilio::random_sid("MZ");
  client.send_text(sim::twilio::connected_message());
  client.send_text(sim::twilio::start_message(sid, call_sid, instruction->parameters));
  note("start sent");
  media_script s;
  s.media = [sid](std::size_t n, const std::string& mulaw) {
    return sim::twilio::media_message(sid, n + 2, n + 1, mulaw);
  };
  s.mark_echo = [sid](const std::string& name) { return sim::twilio::mark_echo(sid, name); };
  s.stop = [sid, call_sid] { return sim::twilio::stop_message(sid, 999999, call_sid); };
  return s;
}

std::optional<media_script> place_telnyx(const call_options& o, const net::url& gateway, probe_client& client,
                                         const note_fn& note, call_result& r) {
  std::optional<sim::telnyx::signing_key> key;
  if (!o.telnyx_private_key_pem.empty()) {
    key = sim::telnyx::signing_key::from_pem(o.telnyx_private_key_pem, &r.error);
    if (!key) return std::nullopt;
  }
  auto api = std::make_shared<sim::call_control_api>(o.api_port);
  if (auto err = api->start(); !err.empty()) {
    r.error =
        "cannot listen for the gateway's Call Control commands on 127.0.0.1:" + std::to_string(o.api_port) + ": " + err;
    return std::nullopt;
  }
  std::string ccid = "v3:" + sim::twilio::random_sid("call");
  std::string session = sim::twilio::random_sid("session-");
  int event_number = 0;
  auto post = [&client, key = std::make_shared<std::optional<sim::telnyx::signing_key>>(std::move(key)), ccid, session,
               event_number](const std::string& type) mutable {
    auto body = sim::telnyx::webhook_event(ccid + "-evt-" + std::to_string(++event_number), type, ccid, session);
    auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    net::header_list headers{
        {"Content-Type", "application/json"}, {"telnyx-timestamp", ts}, {simulated_header, "call"}};
    if (*key) headers.emplace_back("telnyx-signature-ed25519", (*key)->signature_for(ts, body));
    probe_http_response res;
    auto s = client.http("POST", "/telnyx/webhook", headers, body, res);
    return std::make_pair(s, res);
  };
  auto [hook, res] = post("call.initiated");
  if (!hook.ok || res.status != 200) {
    r.error = webhook_failure(hook, res, gateway);
    if (res.status == 403) r.error += " (give the private key whose public half is the gateway's TELNYX_PUBLIC_KEY)";
    return std::nullopt;
  }
  note("call.initiated answered (HTTP 200, " + std::to_string(hook.took.count()) + " ms) call=" + ccid);
  auto command = api->wait_for({"answer", "streaming_start", "reject"}, 5s);
  if (!command) {
    r.error =
        "the gateway sent no answer to the Call Control API within 5 s: start it with "
        "TELNYX_API_BASE=http://127.0.0.1:" +
        std::to_string(o.api_port) + "/v2 (and any TELNYX_API_KEY) so this simulator receives it";
    return std::nullopt;
  }
  if (command->action == "reject") {
    r.error = "the gateway rejected the call (at MAX_CALLS, or draining)";
    return std::nullopt;
  }
  rapidjson::Document d;
  if (!net::json::parse(d, command->body).empty() || !d.IsObject() || !d.HasMember("stream_url") ||
      !d["stream_url"].IsString()) {
    r.error = "the gateway's " + command->action + " command has no stream_url: " + command->body;
    return std::nullopt;
  }
  std::string stream_url = d["stream_url"].GetString();
  std::string token = d.HasMember("stream_auth_token") && d["stream_auth_token"].IsString()
                          ? d["stream_auth_token"].GetString()
                          : std::string();
  note("the gateway sent " + command->action + " with stream_url " + stream_url);
  post("call.answered");
  auto stream = net::parse_url(stream_url);
  probe_http_response up;
  if (!stream || !client.upgrade(std::string(stream->path()), {{"x-telnyx-streaming-auth-token", token}}, up).ok) {
    r.error = "media upgrade to " + stream_url + " failed: HTTP " + std::to_string(up.status);
    return std::nullopt;
  }
  note("media socket open");
  std::string stream_id = sim::twilio::random_sid("stream-");
  client.send_text(sim::telnyx::connected_message());
  client.send_text(sim::telnyx::start_message(stream_id, 1, ccid, session, "PCMU"));
  post("streaming.started");
  note("start sent");
  media_script s;
  s.media = [stream_id](std::size_t n, const std::string& mulaw) {
    return sim::telnyx::media_message(stream_id, n + 2, n + 1, mulaw);
  };
  s.mark_echo = [stream_id](const std::string& name) { return sim::telnyx::mark_echo(stream_id, name); };
  s.stop = [stream_id] { return sim::telnyx::stop_message(stream_id, 999999); };
  // Holding `api` keeps the Call Control API up until after the hangup: the gateway's own hangup
  // command arrives there as the call ends.
  s.after_stop = [post, api]() mutable { post("call.hangup"); };
  return s;
}

void stream_call(probe_client& client, const media_script& script, const std::vector<std::int16_t>& caller,
                 clock_type::time_point start, bool wait_greeting, const note_fn& note, call_result& r) {
  auto media_start = clock_type::now();
  handset phone(start);
  bool closed = false;
  bool heard_anything = false;
  auto answer_marks = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) {
      client.send_text(script.mark_echo(n));
      ++r.marks_answered;
    }
  };
  auto handle = [&](const std::string& frame) {
    rapidjson::Document d;
    if (!net::json::parse(d, frame).empty() || !d.IsObject() || !d.HasMember("event") || !d["event"].IsString()) return;
    std::string event = d["event"].GetString();
    auto now = clock_type::now();
    if (event == "media" && d.HasMember("media") && d["media"].IsObject() && d["media"].HasMember("payload") &&
        d["media"]["payload"].IsString()) {
      ++r.frames_received;
      auto audio = codecs::base64::decode(d["media"]["payload"].GetString()).value_or("");
      if (!heard_anything) note("first audio back");
      heard_anything = true;
      phone.on_media(audio, now);
    } else if (event == "mark" && d.HasMember("mark") && d["mark"].IsObject() && d["mark"].HasMember("name") &&
               d["mark"]["name"].IsString()) {
      phone.on_mark(d["mark"]["name"].GetString(), now);
    } else if (event == "clear") {
      ++r.clears;
      note("clear: the gateway flushed its audio (barge-in)");
      answer_marks(phone.on_clear(now));
    }
  };
  // One 20 ms frame from the caller's phone, then what the gateway sends until the next one is due.
  auto send_frame = [&](const std::string& mulaw) {
    client.send_text(script.media(r.frames_sent, mulaw));
    ++r.frames_sent;
    auto next = media_start + std::chrono::milliseconds(20 * r.frames_sent);  // a monotonic clock, no drift
    while (!closed) {
      answer_marks(phone.due_marks(clock_type::now()));
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - clock_type::now());
      if (left <= 0ms) break;
      if (auto frame = client.read_text(std::min(left, 5ms), &closed)) handle(*frame);
    }
  };
  if (wait_greeting) {
    const std::string silence(160, '\xFF');  // mu-law silence: a phone streams while its caller listens
    auto waiting_since = clock_type::now();
    auto bound = waiting_since + greeting_bound;
    while (!closed) {
      auto now = clock_type::now();
      if (!heard_anything && now - waiting_since >= greeting_absent) {
        note("no greeting after " + std::to_string(greeting_absent.count()) + " s: the caller starts talking");
        break;
      }
      if (heard_anything && now - phone.played_until() >= greeting_quiet) {
        note("the greeting has played: the caller starts talking");
        break;
      }
      if (now >= bound) {
        note(std::string(heard_anything ? "the greeting goes on" : "no greeting") + " after " +
             std::to_string(greeting_bound.count()) + " s: the caller starts talking");
        break;
      }
      send_frame(silence);
    }
  } else {
    note("the caller starts talking (not waiting for a greeting)");
  }
  std::size_t frames = caller.size() / 160;
  for (std::size_t n = 0; n < frames && !closed; ++n) {
    std::string mulaw(160, '\0');
    for (std::size_t i = 0; i < 160; ++i)
      mulaw[i] = static_cast<char>(codecs::g711::linear_to_ulaw(caller[n * 160 + i]));
    send_frame(mulaw);
  }
  if (closed) {
    note("the gateway closed the media socket");
  } else {
    client.send_text(script.stop());
    note("stop sent (caller hung up)");
    if (script.after_stop) script.after_stop();
    auto stop_at = clock_type::now();
    while (!closed && clock_type::now() - stop_at < 3s) client.read_text(50ms, &closed);
    note(closed ? "media socket closed by the gateway" : "the gateway kept the socket open 3 s after stop");
  }
  r.heard = std::move(phone.heard());
  r.ok = heard_anything;
  if (!heard_anything) r.error = "no audio came back from the gateway";
}

}  // namespace

call_result run_simulated_call(const call_options& o) {
  call_result r;
  auto start = clock_type::now();
  auto note = [&](std::string what) {
    r.timeline.push_back({std::chrono::duration<double>(clock_type::now() - start).count(), std::move(what)});
  };
  auto gateway = net::parse_url(o.gateway_url);
  if (!gateway || (gateway->scheme != "http" && gateway->scheme != "https")) {
    r.error = "GATEWAY_URL must be http(s)://host[:port]";
    return r;
  }
  std::string public_url = o.public_url.empty() ? gateway->origin() : o.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();

  std::vector<std::int16_t> caller;
  if (o.play_wav.empty()) {
    caller = test_signal(o.seconds);
  } else {
    auto loaded = load_wav_8k(o.play_wav, r.error);
    if (!loaded) return r;
    caller = std::move(*loaded);
    caller.resize(std::max(caller.size(), samples_in(o.seconds)), 0);
  }

  probe_client client(*gateway, {});
  if (auto s = client.resolve(); !s.ok) {
    r.error = "resolve: " + s.detail;
    return r;
  }
  auto script = o.provider == "telnyx" ? place_telnyx(o, *gateway, client, note, r)
                                       : place_twilio(o, *gateway, public_url, client, note, r);
  if (!script) return r;
  stream_call(client, *script, caller, start, o.wait_greeting, note, r);
  return r;
}

const args::command& call_arguments() {
  using args::kind;
  static const args::command c{
      .name = "call",
      .usage = {"GATEWAY_URL [options]"},
      .description =
          "Places one simulated call as the provider would: signed webhook, media socket, then, once the\n"
          "gateway's greeting has played, caller audio as 20 ms frames in real time (a WAV, or a test signal).\n"
          "Marks answered after playback, clear honoured. Prints a timeline; --record writes what the caller\n"
          "heard. Exit status 0 when audio came back.\n"
          "Try: make run, then: build/voxgate call http://localhost:8080 --record out.wav\n\n"
          "Telnyx: the gateway answers through the Call Control API, so this simulator plays that API on\n"
          "127.0.0.1:--api-port; start the gateway with TELNYX_API_BASE=http://127.0.0.1:8091/v2. With\n"
          "TELNYX_PUBLIC_KEY set there, sign with the matching private key (openssl genpkey -algorithm ed25519).",
      .positional = "GATEWAY_URL",
      .options = sim::with_telnyx_caller_options({
          {.name = "--provider",
           .type = kind::text,
           .help = "which provider to play",
           .default_value = "twilio",
           .choices = {"twilio", "telnyx"}},
          {.name = "--play",
           .type = kind::text,
           .value_name = "IN.WAV",
           .help = "the caller's audio (any rate, mono 16-bit); without it a test signal:\n"
                   "0.3 s quiet, a second of tone, then quiet"},
          {.name = "--record",
           .type = kind::text,
           .value_name = "OUT.WAV",
           .help = "write what the caller heard (8 kHz)"},
          {.name = "--seconds",
           .type = kind::number,
           .value_name = "S",
           .help = "of caller audio after the greeting (a longer --play file plays whole)",
           .default_value = "8",
           .min = 0.1,
           .max = 3600},
          {.name = "--no-wait-greeting",
           .help = "talk as soon as the media stream is up, over any greeting (by default the caller\n"
                   "waits until the greeting has played and 0.7 s passed, at most 8 s; 4 s when no audio comes)"},
          {.name = "--auth-token",
           .type = kind::text,
           .value_name = "TOKEN",
           .help = "twilio: the gateway's TWILIO_AUTH_TOKEN, to sign as Twilio does"},
          {.name = "--public-url",
           .type = kind::text,
           .value_name = "URL",
           .help = "twilio: the gateway's PUBLIC_URL, which signatures cover (default: GATEWAY_URL)"},
      })};
  return c;
}

int call_command(int argc, char** argv) {
  args::values a;
  if (auto status = args::read(call_arguments(), argc, argv, a)) return *status;
  call_options o;
  o.gateway_url = a.positional();
  if (o.gateway_url.empty()) {
    std::cerr << "voxgate call: give the gateway's URL, e.g. http://localhost:8080 (see --help)\n";
    return 2;
  }
  o.provider = a.text("--provider");
  o.play_wav = a.text("--play");
  o.record_wav = a.text("--record");
  o.seconds = a.number("--seconds");
  o.wait_greeting = !a.flag("--no-wait-greeting");
  o.auth_token = a.text("--auth-token");
  o.public_url = a.text("--public-url");
  o.api_port = static_cast<std::uint16_t>(a.integer("--api-port"));
  if (!sim::read_telnyx_key(a, "call", o.telnyx_private_key_pem)) return 2;
  auto r = run_simulated_call(o);
  for (const auto& e : r.timeline) std::printf("%8.3f s  %s\n", e.at_s, e.what.c_str());
  // A call that failed before its media flowed has no figures to show: its error says it all.
  if (r.frames_sent > 0) {
    std::printf("frames sent %zu, received %zu, marks answered %zu, clears %zu\n", r.frames_sent, r.frames_received,
                r.marks_answered, r.clears);
    if (!o.record_wav.empty()) {
      std::ofstream out(o.record_wav, std::ios::binary);
      auto bytes = codecs::wav::to_bytes({8000, r.heard});
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      std::printf("recorded %.1f s of what the caller heard to %s\n", static_cast<double>(r.heard.size()) / 8000.0,
                  o.record_wav.c_str());
    }
  }
  std::fflush(stdout);
  if (!r.ok) std::fprintf(stderr, "voxgate call: %s\n", r.error.c_str());
  return r.ok ? 0 : 1;
}

}  // namespace voxgate::tools
