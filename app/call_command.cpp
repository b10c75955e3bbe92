#include "app/call_command.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "codecs/resampler.hpp"
#include "codecs/wav.hpp"
#include "net/json.hpp"
#include "net/probe_client.hpp"
#include "net/twilio/caller.hpp"
#include "net/twilio/signature.hpp"
#include "net/url.hpp"

namespace voxgate::app {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Quiet, then a second of a voiced tone (the caller "speaks" over the greeting), then quiet, so the
// local agent shows its whole repertoire: greeting, barge-in, and playing the caller back.
std::vector<std::int16_t> test_signal(int seconds) {
  std::vector<std::int16_t> s(static_cast<std::size_t>(seconds) * 8000, 0);
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

// The caller's phone: plays what arrives in order, answers marks when their audio has played.
class handset {
 public:
  explicit handset(clock_type::time_point start) : start_(start) {}

  void on_media(const std::string& mulaw, clock_type::time_point now) {
    auto at = std::max(play_end_, now);
    auto offset =
        static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::microseconds>(at - start_).count() * 8 / 1000);
    if (heard_.size() < offset + mulaw.size()) heard_.resize(offset + mulaw.size(), 0);
    for (std::size_t i = 0; i < mulaw.size(); ++i)
      heard_[offset + i] = codecs::g711::ulaw_to_linear(static_cast<std::uint8_t>(mulaw[i]));
    play_end_ = at + std::chrono::microseconds(mulaw.size() * 125);
  }
  void on_mark(std::string name, clock_type::time_point now) {
    marks_.emplace_back(std::max(play_end_, now), std::move(name));
  }
  // Everything not yet played is dropped; every pending mark comes back at once.
  std::vector<std::string> on_clear(clock_type::time_point now) {
    auto cut = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - start_).count() *
                                        8 / 1000);
    if (heard_.size() > cut) heard_.resize(cut);
    play_end_ = now;
    std::vector<std::string> out;
    for (auto& m : marks_) out.push_back(std::move(m.second));
    marks_.clear();
    return out;
  }
  std::vector<std::string> due_marks(clock_type::time_point now) {
    std::vector<std::string> out;
    while (!marks_.empty() && marks_.front().first <= now) {
      out.push_back(std::move(marks_.front().second));
      marks_.pop_front();
    }
    return out;
  }
  std::vector<std::int16_t>& heard() { return heard_; }

 private:
  clock_type::time_point start_;
  clock_type::time_point play_end_{};
  std::vector<std::int16_t> heard_;
  std::deque<std::pair<clock_type::time_point, std::string>> marks_;
};

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
    caller.resize(std::max(caller.size(), static_cast<std::size_t>(o.seconds) * 8000), 0);
  }

  net::probe_client client(*gateway, {});
  if (auto s = client.resolve(); !s.ok) {
    r.error = "resolve: " + s.detail;
    return r;
  }
  auto call_sid = net::twilio::random_sid("CA");
  auto form = net::twilio::voice_webhook_form(call_sid);
  net::header_list headers{{"Content-Type", "application/x-www-form-urlencoded"}};
  if (!o.auth_token.empty())
    headers.emplace_back("X-Twilio-Signature",
                         net::twilio::compute_signature(o.auth_token, public_url + "/twilio/voice", form));
  net::probe_http_response res;
  auto hook = client.http("POST", "/twilio/voice", headers, net::encode_form(form), res);
  if (!hook.ok || res.status != 200) {
    r.error = "webhook: " + (hook.ok ? "HTTP " + std::to_string(res.status) + " " + res.body : hook.detail);
    return r;
  }
  note("webhook answered (HTTP 200, " + std::to_string(hook.took.count()) + " ms) call=" + call_sid);
  auto instruction = net::twilio::parse_stream_instruction(res.body);
  if (!instruction) {
    r.error = "the gateway did not connect the call: " + res.body;
    return r;
  }
  auto& stream_url = instruction->url;
  auto& params = instruction->parameters;
  auto stream = net::parse_url(stream_url);
  net::header_list ws_headers;
  if (!o.auth_token.empty())
    ws_headers.emplace_back("X-Twilio-Signature", net::twilio::compute_signature(o.auth_token, stream_url, {}));
  net::probe_http_response up;
  if (!stream || !client.upgrade(std::string(stream->path()), ws_headers, up).ok) {
    r.error = "media upgrade to " + stream_url + " failed: HTTP " + std::to_string(up.status);
    return r;
  }
  note("media socket open (" + stream_url + ")");
  std::string sid = net::twilio::random_sid("MZ");
  client.send_text(net::twilio::connected_message());
  client.send_text(net::twilio::start_message(sid, call_sid, params));
  note("start sent");

  auto media_start = clock_type::now();
  handset phone(start);
  bool closed = false;
  bool heard_anything = false;
  auto answer_marks = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) {
      client.send_text(net::twilio::mark_echo(sid, n));
      ++r.marks_answered;
    }
  };
  auto handle = [&](const std::string& frame) {
    rapidjson::Document d;
    d.Parse(frame.c_str());
    if (d.HasParseError() || !d.HasMember("event")) return;
    std::string event = d["event"].GetString();
    auto now = clock_type::now();
    if (event == "media") {
      ++r.frames_received;
      auto audio = codecs::base64::decode(d["media"]["payload"].GetString()).value_or("");
      if (!heard_anything) note("first audio back");
      heard_anything = true;
      phone.on_media(audio, now);
    } else if (event == "mark") {
      phone.on_mark(d["mark"]["name"].GetString(), now);
    } else if (event == "clear") {
      ++r.clears;
      note("clear: the gateway flushed its audio (barge-in)");
      answer_marks(phone.on_clear(now));
    }
  };
  std::size_t frames = caller.size() / 160;
  for (std::size_t n = 0; n < frames && !closed; ++n) {
    std::string mulaw(160, '\0');
    for (std::size_t i = 0; i < 160; ++i)
      mulaw[i] = static_cast<char>(codecs::g711::linear_to_ulaw(caller[n * 160 + i]));
    client.send_text(net::twilio::media_message(sid, n + 2, n + 1, mulaw));
    ++r.frames_sent;
    auto next = media_start + std::chrono::milliseconds(20 * (n + 1));  // a monotonic clock, no drift
    while (!closed) {
      answer_marks(phone.due_marks(clock_type::now()));
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - clock_type::now());
      if (left <= 0ms) break;
      if (auto frame = client.read_text(std::min(left, 5ms), &closed)) handle(*frame);
    }
  }
  if (closed) {
    note("the gateway closed the media socket");
  } else {
    client.send_text(net::twilio::stop_message(sid, 999999, call_sid));
    note("stop sent (caller hung up)");
    auto stop_at = clock_type::now();
    while (!closed && clock_type::now() - stop_at < 3s) client.read_text(50ms, &closed);
    note(closed ? "media socket closed by the gateway" : "the gateway kept the socket open 3 s after stop");
  }
  r.heard = std::move(phone.heard());
  r.ok = heard_anything;
  if (!heard_anything) r.error = "no audio came back from the gateway";
  return r;
}

int call_command(int argc, char** argv) {
  call_options o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--help" || a == "-h") {
      std::cout
          << "usage: voxgate call GATEWAY_URL [--provider twilio] [--play in.wav] [--record out.wav] [--seconds N]\n"
             "                    [--auth-token TOKEN] [--public-url URL]\n\n"
             "Places one simulated call as Twilio would: signed webhook, media socket, caller audio as 20 ms\n"
             "frames in real time (a WAV, or a test signal that talks over the greeting), marks answered after\n"
             "playback, clear honoured. Prints a timeline; --record writes what the caller heard (8 kHz WAV).\n"
             "Try: make run, then: build/voxgate call http://localhost:8080 --record out.wav\n";
      return 0;
    }
    if (a == "--provider") {
      if (value() != "twilio") {
        std::cerr << "voxgate call: only --provider twilio is implemented so far\n";
        return 2;
      }
    } else if (a == "--play") {
      o.play_wav = value();
    } else if (a == "--record") {
      o.record_wav = value();
    } else if (a == "--seconds") {
      o.seconds = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--auth-token") {
      o.auth_token = value();
    } else if (a == "--public-url") {
      o.public_url = value();
    } else if (!a.empty() && a[0] != '-' && o.gateway_url.empty()) {
      o.gateway_url = a;
    } else {
      std::cerr << "voxgate call: unknown argument '" << a << "' (see --help)\n";
      return 2;
    }
  }
  if (o.gateway_url.empty()) {
    std::cerr << "voxgate call: give the gateway's URL, e.g. http://localhost:8080\n";
    return 2;
  }
  auto r = run_simulated_call(o);
  for (const auto& e : r.timeline) std::printf("%8.3f s  %s\n", e.at_s, e.what.c_str());
  std::printf("frames sent %zu, received %zu, marks answered %zu, clears %zu\n", r.frames_sent, r.frames_received,
              r.marks_answered, r.clears);
  if (!o.record_wav.empty()) {
    std::ofstream out(o.record_wav, std::ios::binary);
    auto bytes = codecs::wav::to_bytes({8000, r.heard});
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::printf("recorded %.1f s of what the caller heard to %s\n", static_cast<double>(r.heard.size()) / 8000.0,
                o.record_wav.c_str());
  }
  if (!r.ok) std::fprintf(stderr, "voxgate call: %s\n", r.error.c_str());
  return r.ok ? 0 : 1;
}

}  // namespace voxgate::app
