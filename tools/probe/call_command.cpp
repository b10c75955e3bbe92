// `voxgate call` (tools/probe/call_command.hpp): one simulated call placed through the provider's
// caller (tools/sim/caller.hpp), the caller's audio streamed in real time once the greeting has
// played, and what comes back played and recorded by the caller's phone (caller_phone.hpp).
#include "tools/probe/call_command.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "codecs/g711.hpp"
#include "codecs/wav.hpp"
#include "net/url.hpp"
#include "tools/caller_options.hpp"
#include "tools/probe/caller_phone.hpp"
#include "tools/probe/probe_client.hpp"
#include "tools/sim/call_control_api.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::tools {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The caller waits for the gateway's greeting as a person does: until its audio has played and this
// long has passed without more; and never longer than the bound, so a silent gateway cannot stall it.
constexpr auto greeting_quiet = 700ms;
constexpr auto greeting_bound = 8s;
constexpr auto greeting_absent = 4s;  // no audio at all by then: the agent does not greet (AGENT_GREETS_FIRST=0)
constexpr auto answer_bound = 5s;     // for an answer that comes another way than the webhook's response

using note_fn = std::function<void(std::string)>;

// Why a webhook did not get 200, with the likely cause when it is a common one.
std::string webhook_failure(const probe_step& hook, const probe_http_response& res, const net::url& gateway,
                            const sim::caller& caller) {
  if (hook.ok) {
    std::string out = "webhook: HTTP " + std::to_string(res.status) + " " + res.body;
    if (res.status == 403)
      out += " (the gateway refused the signature: give what matches its " + std::string(caller.credential_setting()) +
             ")";
    return out;
  }
  std::string out = "webhook: " + hook.detail;
  if (hook.plain_http) return out + " (is the gateway plain http? try http://" + gateway.host_port() + ")";
  if (hook.detail.rfind("connect:", 0) == 0)
    return out + " (is the gateway running, and listening at " + gateway.host_port() + "?)";
  return out;
}

// A request the provider makes of the gateway, on a fresh connection.
std::pair<probe_step, probe_http_response> request(probe_client& client, const sim::provider_request& req) {
  probe_http_response res;
  auto step = client.http(req.method, req.target, req.headers, req.body, res);
  return {step, res};
}

void tell(probe_client& client, sim::caller& caller, sim::caller::moment m) {
  if (auto notice = caller.notice(m)) request(client, *notice);
}

// The webhook, the answer and the media upgrade: true once the media socket is open and start sent.
bool place(probe_client& client, sim::caller& caller, const net::url& gateway, const note_fn& note, call_result& r,
           bool& tcp) {
  auto [hook, res] = request(client, caller.webhook());
  if (!hook.ok || res.status != 200) {
    r.error = webhook_failure(hook, res, gateway, caller);
    return false;
  }
  note("webhook answered (HTTP 200, " + std::to_string(hook.took.count()) +
       " ms) call=" + std::string(caller.call_id()));
  auto answer = caller.read_answer(res.status, net::header_or(res.headers, "Content-Type"), res.body);
  for (auto until = clock_type::now() + answer_bound;
       answer.what == sim::call_answer::kind::pending && clock_type::now() < until;) {
    std::this_thread::sleep_for(10ms);
    answer = caller.poll_answer();
  }
  if (answer.what != sim::call_answer::kind::socket) {
    r.error = answer.what == sim::call_answer::kind::pending
                  ? "no answer within " + std::to_string(answer_bound.count()) + " s: " + answer.why
                  : "the gateway did not connect the call: " + answer.why;
    return false;
  }
  tell(client, caller, sim::caller::moment::answered);
  if (answer.socket.over == sim::media_socket::transport::tcp) {
    auto s = client.open_tcp(answer.socket.port, [&caller](std::string_view b) { return caller.frame_size(b); });
    if (!s.ok) {
      r.error = "media connection failed: " + s.detail + " (is --media-port the gateway's AUDIOSOCKET_PORT?)";
      return false;
    }
  } else {
    auto stream = net::parse_url(answer.socket.url);
    probe_http_response up;
    if (!stream || !client.upgrade(stream->target, answer.socket.headers, up).ok) {
      r.error = "media upgrade to " + answer.socket.url + " failed: HTTP " + std::to_string(up.status);
      return false;
    }
  }
  tcp = answer.socket.over == sim::media_socket::transport::tcp;
  note("media socket open (" + answer.socket.url + ")");
  for (const auto& f : caller.opening()) client.send(f.data, f.binary);
  tell(client, caller, sim::caller::moment::streaming);
  note("start sent");
  return true;
}

void stream_call(probe_client& client, sim::caller& caller, const std::vector<std::int16_t>& caller_audio,
                 clock_type::time_point start, bool wait_greeting, bool tcp, const note_fn& note, call_result& r) {
  auto media_start = clock_type::now();
  caller_phone phone(start);
  bool closed = false;
  bool heard_anything = false;
  std::vector<std::uint8_t> decoded;
  auto answer_marks = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) {
      auto f = caller.mark_played(n);
      client.send(f.data, f.binary);
      ++r.marks_answered;
    }
  };
  auto handle = [&](std::string& frame, bool binary) {
    auto m = caller.read(frame, binary);
    auto now = clock_type::now();
    if (m.what == sim::gateway_message::kind::media) {
      decoded.resize(m.payload.size());
      auto n = caller.decode_audio(m.payload, decoded.data());
      if (!n) return;
      ++r.frames_received;
      if (!heard_anything) note("first audio back");
      heard_anything = true;
      phone.on_media(std::span<const std::uint8_t>(decoded.data(), *n), now);
    } else if (m.what == sim::gateway_message::kind::mark) {
      phone.on_mark(std::string(m.name), now);
    } else if (m.what == sim::gateway_message::kind::clear) {
      ++r.clears;
      note("clear: the gateway flushed its audio (barge-in)");
      for (const auto& f : caller.cleared(phone.on_clear(now))) client.send(f.data, f.binary);
    }
  };
  // One 20 ms frame from the caller's phone, then what the gateway sends until the next one is due.
  std::string payload;
  auto send_frame = [&](std::span<const std::uint8_t> mulaw) {
    payload.clear();
    bool binary = caller.append_media(payload, mulaw);
    client.send(payload, binary);
    ++r.frames_sent;
    auto next = media_start + std::chrono::milliseconds(20 * r.frames_sent);  // a monotonic clock, no drift
    while (!closed) {
      answer_marks(phone.due_marks(clock_type::now()));
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - clock_type::now());
      if (left <= 0ms) break;
      bool binary_in = false;
      if (auto frame = client.read(std::min(left, 5ms), &closed, &binary_in)) handle(*frame, binary_in);
    }
  };
  if (wait_greeting) {
    const std::vector<std::uint8_t> silence(160, 0xFF);  // mu-law silence: a phone streams while its caller listens
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
  std::size_t frames = caller_audio.size() / 160;
  std::vector<std::uint8_t> mulaw(160);
  for (std::size_t n = 0; n < frames && !closed; ++n) {
    for (std::size_t i = 0; i < 160; ++i) mulaw[i] = codecs::g711::linear_to_ulaw(caller_audio[n * 160 + i]);
    send_frame(mulaw);
  }
  if (closed) {
    note("the gateway closed the media socket");
  } else {
    if (auto stop = caller.stop(); !stop.data.empty()) client.send(stop.data, stop.binary);
    if (tcp) client.shutdown_send();  // the caller hangs up by closing its side
    note(tcp ? "socket closed (caller hung up)" : "stop sent (caller hung up)");
    tell(client, caller, sim::caller::moment::hung_up);
    auto stop_at = clock_type::now();
    while (!closed && clock_type::now() - stop_at < 3s) client.read(50ms, &closed, nullptr);
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
  sim::caller_settings settings;
  settings.public_url = o.public_url.empty() ? gateway->origin() : o.public_url;
  while (!settings.public_url.empty() && settings.public_url.back() == '/') settings.public_url.pop_back();
  settings.credential = o.credential;
  settings.tool = "call";
  settings.insecure_local = gateway->scheme == "http";
  settings.media_port = o.media_port;
  auto caller = sim::make_caller(o.provider, settings);
  if (!caller) {
    r.error = "no simulated caller for provider '" + o.provider + "'";
    return r;
  }
  if (auto why = caller->credential_problem(); !why.empty()) {
    r.error = "the credential: " + why;
    return r;
  }
  // The gateway's answers arrive at this API, for a provider that answers so; held until the call
  // ends, when the gateway's own hang-up command arrives there too.
  std::unique_ptr<sim::call_control_api> api;
  if (caller->answers_by_api()) {
    api = std::make_unique<sim::call_control_api>(o.api_port);
    if (auto err = api->start(); !err.empty()) {
      r.error = "cannot listen for the gateway's answers on 127.0.0.1:" + std::to_string(o.api_port) + ": " + err;
      return r;
    }
    settings.api = api.get();
    caller = sim::make_caller(o.provider, settings);
  }

  std::vector<std::int16_t> audio;
  if (o.play_wav.empty()) {
    audio = test_signal(o.seconds);
  } else {
    auto loaded = load_wav_8k(o.play_wav, r.error);
    if (!loaded) return r;
    audio = std::move(*loaded);
    audio.resize(std::max(audio.size(), samples_in(o.seconds)), 0);
  }

  probe_client client(*gateway, {});
  if (auto s = client.resolve(); !s.ok) {
    r.error = "resolve: " + s.detail;
    return r;
  }
  bool tcp = false;
  if (!place(client, *caller, *gateway, note, r, tcp)) return r;
  stream_call(client, *caller, audio, start, o.wait_greeting, tcp, note, r);
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
      .options = with_caller_options({
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
          {.name = "--public-url",
           .type = kind::text,
           .value_name = "URL",
           .help = "the gateway's PUBLIC_URL, which signatures cover (default: GATEWAY_URL)"},
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
  o.play_wav = a.text("--play");
  o.record_wav = a.text("--record");
  o.seconds = a.number("--seconds");
  o.wait_greeting = !a.flag("--no-wait-greeting");
  o.public_url = a.text("--public-url");
  caller_choice caller;
  if (!read_caller_options(a, "call", caller)) return 2;
  o.provider = caller.provider;
  o.credential = caller.credential;
  o.api_port = caller.api_port;
  o.media_port = caller.media_port;
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
