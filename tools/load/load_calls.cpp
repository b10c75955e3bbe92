#include "tools/load/load_calls.hpp"

#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "codecs/base64.hpp"
#include "codecs/g711.hpp"
#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/url.hpp"
#include "net/ws_frame.hpp"
#include "tools/load/poller.hpp"
#include "tools/probe/probe_client.hpp"
#include "tools/sim/call_control_api.hpp"
#include "tools/sim/playback.hpp"
#include "tools/sim/telnyx_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::tools {

namespace {

constexpr std::uint64_t frame_us = 20000;
constexpr int wheel_slots = 20;  // one per millisecond of the 20 ms frame period
constexpr std::size_t max_http_response = 64 * 1024;
constexpr std::uint64_t stop_timeout_us = 3'000'000;

// One second of a warbling tone in mu-law, looped: every frame differs from its neighbours, so audio
// that comes back at the wrong position is noticed.
struct caller_audio {
  std::vector<std::uint8_t> loop;
  std::vector<std::string> frames_base64;
};

caller_audio make_caller_audio() {
  caller_audio a;
  a.loop.resize(8000);
  for (std::size_t i = 0; i < a.loop.size(); ++i) {
    double t = static_cast<double>(i) / 8000.0;
    double v = 8000 * std::sin(2 * M_PI * (300 + 200 * std::sin(2 * M_PI * 3 * t)) * t);
    a.loop[i] = codecs::g711::linear_to_ulaw(static_cast<std::int16_t>(v));
  }
  for (std::size_t f = 0; f < a.loop.size() / audio_position_tracker::frame_bytes; ++f)
    a.frames_base64.push_back(codecs::base64::encode(std::span<const std::uint8_t>(
        a.loop.data() + f * audio_position_tracker::frame_bytes, audio_position_tracker::frame_bytes)));
  return a;
}

// answering: Telnyx only, between the webhook's 200 and the gateway's answer command.
enum class phase { waiting, webhook, answering, upgrading, streaming, draining, stopping, done, failed };

struct call {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // of its socket: an event for a socket already closed is not the new one's
  int fd = -1;
  bool connecting = false;  // a connect under way on fd
  bool watching_writes = false;
  phase state = phase::waiting;
  std::string call_sid, stream_sid, ws_key, ws_target, ws_host;  // call_sid: Telnyx's call_control_id
  std::string session_id;                                         // telnyx: call_session_id
  sim::twilio::stream_instruction stream;                         // twilio: the TwiML's url and parameters
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(8192);
  std::size_t in_len = 0;
  std::string out;           // bytes for the socket not yet sent
  std::size_t out_sent = 0;  // how many of them have gone
  net::ws::frame_reader reader{1 << 16};
  audio_position_tracker tracker;
  sim::playback handset;  // what the gateway sent, played: marks answered once their audio has
  std::uint64_t next_frame_us = 0;
  std::uint64_t deadline_us = 0;
  int slot = 0;
};

class load_engine {
 public:
  load_engine(const load_options& o, const std::function<void(const load_progress&)>& progress)
      : options_(o), progress_(progress), telnyx_(o.provider == "telnyx"), audio_(make_caller_audio()) {}

  load_report run() {
    report_.calls = options_.calls;
    report_.fd_limit = net::raise_fd_limit();
    auto gateway = net::parse_url(options_.gateway_url);
    if (!gateway || gateway->scheme != "http") {
      report_.error =
          "GATEWAY_URL must be http://host:port: the load tool talks to the gateway itself, not its TLS proxy";
      return report_;
    }
    host_header_ = gateway->host_port();
    public_url_ = options_.public_url.empty() ? gateway->origin() : options_.public_url;
    while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
    std::string why;
    auto endpoint = resolve_tcp(gateway->host, static_cast<std::uint16_t>(gateway->effective_port()), why);
    if (!endpoint) {
      report_.error = "cannot resolve " + gateway->host + ": " + why;
      return report_;
    }
    endpoint_ = *endpoint;
    media_endpoint_ = endpoint_;
    if (!options_.media_url.empty()) {
      auto media = net::parse_url(options_.media_url);
      if (!media || media->scheme != "http") {
        report_.error = "--media-to must be http://host:port: another instance of the gateway itself";
        return report_;
      }
      auto m = resolve_tcp(media->host, static_cast<std::uint16_t>(media->effective_port()), why);
      if (!m) {
        report_.error = "cannot resolve " + media->host + ": " + why;
        return report_;
      }
      media_endpoint_ = *m;
    }
    // Every call would fail the same way: say it once, rather than as a run of failed calls.
    if (auto why = try_connect(endpoint_, std::chrono::seconds(5)); !why.empty()) {
      report_.error = "cannot connect to " + host_header_ + " (" + why +
                      "): is the gateway running, and is this its address and port?";
      return report_;
    }
    if (!poller_.ok()) {
      report_.error = "cannot create an epoll set";
      return report_;
    }
    if (telnyx_) {
      if (!options_.telnyx_private_key_pem.empty()) {
        telnyx_key_ = sim::telnyx::signing_key::from_pem(options_.telnyx_private_key_pem, &why);
        if (!telnyx_key_) {
          report_.error = "--telnyx-private-key: " + why;
          return report_;
        }
      }
      api_ = std::make_unique<sim::call_control_api>(options_.api_port);
      if (auto err = api_->start(); !err.empty()) {
        report_.error = "cannot listen for the gateway's Call Control commands on 127.0.0.1:" +
                        std::to_string(options_.api_port) + ": " + err;
        return report_;
      }
    }
    frames_per_call_ = static_cast<std::uint64_t>(std::llround(options_.duration_s * 50));
    if (options_.pid > 0) {
      report_.gateway_baseline = net::read_process_usage(options_.pid);
      if (!report_.gateway_baseline) {
        report_.error = "no process " + std::to_string(options_.pid) + " to sample (--pid)";
        return report_;
      }
    }
    calls_.reserve(static_cast<std::size_t>(options_.calls));
    for (int i = 0; i < options_.calls; ++i) {
      calls_.push_back(std::make_unique<call>());
      calls_.back()->index = static_cast<std::uint32_t>(i);
    }
    scratch_.reserve(2048);
    decoded_.resize(64 * 1024);
    double ramp_s = options_.calls / std::max(options_.ramp_per_s, 0.001);
    give_up_us_ = static_cast<std::uint64_t>((ramp_s + options_.duration_s + options_.drain_s + 30) * 1e6);
    start_ = clock::now();
    tick_at_ = start_;
    loop();
    report_.wall_s = seconds_since_start();
    for (auto& c : calls_) {
      report_.frames_sent += c->tracker.frames_sent();
      report_.frames_back += std::min(c->tracker.frames_back(), c->tracker.frames_sent());
      report_.frames_late += c->tracker.frames_late();
      report_.bytes_differing += c->tracker.bytes_differing();
      report_.bytes_beyond_sent += c->tracker.bytes_beyond_sent();
      if (c->state == phase::done) report_.frames_lost += c->tracker.frames_missing();
    }
    return report_;
  }

 private:
  using clock = std::chrono::steady_clock;

  std::uint64_t now_us() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start_).count());
  }
  double seconds_since_start() const { return static_cast<double>(now_us()) / 1e6; }

  std::uint32_t next_mask() {
    mask_state_ ^= mask_state_ << 13;
    mask_state_ ^= mask_state_ >> 17;
    mask_state_ ^= mask_state_ << 5;
    return mask_state_;
  }

  // ---- one loop: sockets as they are ready, and every millisecond that millisecond's slot of calls ----

  void loop() {
    for (;;) {
      tick_at_ += std::chrono::milliseconds(1);
      for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(tick_at_ - clock::now());
        for (const auto& e : poller_.wait(left)) on_event(e);
        if (clock::now() >= tick_at_) break;
      }
      if (!tick()) return;
    }
  }

  static std::uint64_t tag_of(const call& c) { return (std::uint64_t{c.index} << 32) | c.generation; }

  void on_event(const poller::event& e) {
    auto index = static_cast<std::size_t>(e.tag >> 32);
    if (index >= calls_.size()) return;
    call& c = *calls_[index];
    if (static_cast<std::uint32_t>(e.tag) != c.generation || c.fd < 0) return;  // a socket since closed
    if (c.connecting) {  // done: writable when connected, readable (an error) when refused
      c.connecting = false;
      auto why = connect_error(c.fd);
      const char* what = c.state == phase::webhook ? "webhook" : "upgrade";
      if (!why.empty()) return fail(c, std::string(what) + ": connect: " + why);
      return flush(c);
    }
    if (e.writable) flush(c);
    if (e.readable && c.fd >= 0) on_readable(c);
  }

  // Returns false once the run is over.
  bool tick() {
    std::uint64_t now = now_us();
    std::uint64_t due_ms = now / 1000;
    report_.tick_lag.record(now - std::min(now, (last_ms_ + 1) * 1000));
    int target = static_cast<int>(
        std::min<double>(options_.calls, std::floor(static_cast<double>(now) / 1e6 * options_.ramp_per_s) + 1));
    while (report_.placed < target) place(*calls_[static_cast<std::size_t>(report_.placed)], due_ms);
    for (; last_ms_ < due_ms; ++last_ms_) visit(static_cast<int>((last_ms_ + 1) % wheel_slots), now);
    if (!steady_ && report_.placed == options_.calls && connecting_ == 0 && active_ > 0) begin_steady();
    if (now / 1'000'000 != last_progress_s_) {
      last_progress_s_ = now / 1'000'000;
      if (progress_) progress_(snapshot());
    }
    if (finished_ == options_.calls) return false;
    if (now > give_up_us_) {
      for (auto& c : calls_)
        if (c->state != phase::done && c->state != phase::failed) fail(*c, "still unfinished when the run timed out");
      return false;
    }
    return true;
  }

  void visit(int slot, std::uint64_t now) {
    auto& calls = wheel_[static_cast<std::size_t>(slot)];
    for (std::size_t i = 0; i < calls.size();) {
      call& c = *calls[i];
      if (c.state == phase::done || c.state == phase::failed) {
        calls[i] = calls.back();
        calls.pop_back();
        continue;
      }
      ++i;
      switch (c.state) {
        case phase::webhook:
        case phase::upgrading:
          if (now > c.deadline_us) fail(c, c.state == phase::webhook ? "webhook timed out" : "upgrade timed out");
          break;
        case phase::answering:
          if (auto command = api_->take(c.call_sid, {"answer", "streaming_start", "reject"}))
            on_answer_command(c, *command);
          else if (now > c.deadline_us)
            fail(c, "no answer command from the gateway: is its TELNYX_API_BASE this tool's --api-port?");
          break;
        case phase::streaming:
          answer_marks(c);
          while (c.next_frame_us <= now && c.tracker.frames_sent() < frames_per_call_) send_frame(c, now);
          if (c.tracker.frames_sent() >= frames_per_call_) {
            c.state = phase::draining;
            c.deadline_us = now + static_cast<std::uint64_t>(options_.drain_s * 1e6);
            end_steady();
          }
          flush(c);
          break;
        case phase::draining:
          answer_marks(c);
          if (c.tracker.frames_back() >= c.tracker.frames_sent() || now > c.deadline_us) {
            // As the provider hangs up: stop, then it closes the socket itself.
            scratch_ = telnyx_ ? sim::telnyx::stop_message(c.stream_sid, c.tracker.frames_sent() + 2)
                               : sim::twilio::stop_message(c.stream_sid, c.tracker.frames_sent() + 2, c.call_sid);
            net::ws::append_client_frame(c.out, net::ws::opcode::text, scratch_, next_mask());
            net::ws::append_client_frame(c.out, net::ws::opcode::close, std::string_view("\x03\xe8", 2), next_mask());
            c.state = phase::stopping;
            c.deadline_us = now + stop_timeout_us;
          }
          flush(c);
          break;
        case phase::stopping:
          if (now > c.deadline_us) fail(c, "the gateway did not close the media socket within 3 s of stop");
          flush(c);
          break;
        default:
          break;
      }
    }
  }

  // ---- steady window: every call placed and connected, none finished yet ----

  void begin_steady() {
    steady_ = true;
    steady_start_us_ = now_us();
    own_steady_start_ = net::own_usage();
    if (options_.pid > 0) report_.gateway_steady_start = net::read_process_usage(options_.pid);
  }

  void end_steady() {
    if (!steady_ || steady_ended_) return;
    steady_ended_ = true;
    report_.steady_s = static_cast<double>(now_us() - steady_start_us_) / 1e6;
    auto own = net::own_usage();
    report_.own_steady = {own.cpu_s - own_steady_start_.cpu_s, own.rss_kib};
    if (options_.pid > 0) report_.gateway_steady_end = net::read_process_usage(options_.pid);
  }

  bool in_steady() const { return steady_ && !steady_ended_; }

  // ---- one call ----

  void place(call& c, std::uint64_t now_ms) {
    ++report_.placed;
    ++connecting_;
    c.state = phase::webhook;
    c.deadline_us = now_us() + static_cast<std::uint64_t>(options_.setup_s * 1e6);
    c.slot = static_cast<int>(now_ms % wheel_slots);
    wheel_[static_cast<std::size_t>(c.slot)].push_back(&c);
    c.out = telnyx_ ? telnyx_webhook(c) : twilio_webhook(c);
    connect(c, "webhook");
  }

  std::string webhook_head(std::string_view path, std::string_view content_type, std::size_t length) const {
    return "POST " + std::string(path) + " HTTP/1.1\r\nHost: " + host_header_ + "\r\nContent-Type: " +
           std::string(content_type) + "\r\nContent-Length: " + std::to_string(length) + "\r\nConnection: close\r\n" +
           simulated_header + ": load\r\n";
  }

  std::string twilio_webhook(call& c) const {
    c.call_sid = sim::twilio::random_sid("CA");
    auto form = sim::twilio::voice_webhook_form(c.call_sid);
    std::string body = net::encode_form(form);
    std::string request = webhook_head("/twilio/voice", "application/x-www-form-urlencoded", body.size());
    if (!options_.auth_token.empty())
      request += "X-Twilio-Signature: " +
                 net::twilio::compute_signature(options_.auth_token, public_url_ + "/twilio/voice", form) + "\r\n";
    return request + "\r\n" + body;
  }

  std::string telnyx_webhook(call& c) const {
    c.call_sid = sim::twilio::random_sid("v3:");
    c.session_id = sim::twilio::random_sid("session-");
    auto body = sim::telnyx::webhook_event(c.call_sid + "-evt-1", "call.initiated", c.call_sid, c.session_id);
    auto timestamp = std::to_string(net::unix_now());
    std::string request = webhook_head("/telnyx/webhook", "application/json", body.size());
    request += "telnyx-timestamp: " + timestamp + "\r\n";
    if (telnyx_key_)
      request += "telnyx-signature-ed25519: " + telnyx_key_->signature_for(timestamp, body) + "\r\n";
    return request + "\r\n" + body;
  }

  // Opens the call's next socket; what waits in c.out goes once it is connected.
  void connect(call& c, const char* what) {
    close_socket(c);
    std::string why;
    c.fd = start_connect(std::string_view(what) == "upgrade" ? media_endpoint_ : endpoint_, why);
    if (c.fd < 0) return fail(c, std::string(what) + ": connect: " + why);
    ++c.generation;
    c.connecting = true;
    c.watching_writes = true;
    c.in_len = 0;
    poller_.watch(c.fd, tag_of(c), true);
  }

  void close_socket(call& c) {
    if (c.fd < 0) return;
    ::close(c.fd);  // leaves the epoll set with it
    c.fd = -1;
    c.connecting = false;
  }

  void on_readable(call& c) {
    if (c.in_len == c.in.size()) c.in.resize(c.in.size() * 2);
    ssize_t n = ::recv(c.fd, c.in.data() + c.in_len, c.in.size() - c.in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    bool streaming = c.state != phase::webhook && c.state != phase::upgrading;
    if (n < 0) {
      std::string why = std::strerror(errno);
      if (streaming) return socket_lost(c, why);
      return fail(c, std::string(c.state == phase::webhook ? "webhook" : "upgrade") + ": read: " + why);
    }
    if (n == 0) {
      if (streaming) return socket_lost(c, "closed");
      return on_http(c, true);
    }
    c.in_len += static_cast<std::size_t>(n);
    if (streaming)
      on_frames(c);
    else
      on_http(c, false);
  }

  // An HTTP response gathering in c.in: complete at the end of the headers (upgrade) or of the body (webhook).
  void on_http(call& c, bool eof) {
    std::string_view text(reinterpret_cast<const char*>(c.in.data()), c.in_len);
    auto head_end = text.find("\r\n\r\n");
    if (head_end != std::string_view::npos) {
      if (c.state == phase::upgrading) return on_upgrade_response(c, text.substr(0, head_end), head_end + 4);
      auto length = net::header_in_head(text.substr(0, head_end), "content-length");
      std::size_t want = std::string_view::npos;
      if (!length.empty()) std::from_chars(length.data(), length.data() + length.size(), want);
      if (eof || (want != std::string_view::npos && text.size() - head_end - 4 >= want))
        return on_webhook_response(c, text.substr(0, head_end), text.substr(head_end + 4));
    }
    if (eof) return fail(c, "the gateway closed the connection before a full response");
    if (c.in_len >= max_http_response) return fail(c, "response larger than 64 KiB");
  }

  void on_webhook_response(call& c, std::string_view head, std::string_view body) {
    if (head.substr(0, 12) != "HTTP/1.1 200") {
      auto line = head.substr(0, head.find('\r'));
      return fail(c, "webhook answered " + std::string(line.substr(std::min<std::size_t>(9, line.size()))));
    }
    if (telnyx_) {  // the answer comes as a Call Control command
      close_socket(c);
      c.state = phase::answering;
      return;
    }
    auto stream = sim::twilio::parse_stream_instruction(body);
    if (!stream) return fail(c, "webhook answered without <Stream> (refused: at capacity or draining?)");
    std::string signature;
    if (!options_.auth_token.empty())
      signature = "X-Twilio-Signature: " + net::twilio::compute_signature(options_.auth_token, stream->url, {});
    c.stream = std::move(*stream);
    upgrade(c, c.stream.url, signature);
  }

  void on_answer_command(call& c, const sim::call_control_command& command) {
    if (command.action == "reject") return fail(c, "the gateway rejected the call (at capacity or draining?)");
    rapidjson::Document d;
    if (!net::json::parse(d, command.body).empty() || !d.IsObject())
      return fail(c, "the gateway's " + command.action + " command is not JSON");
    auto url = net::json::string_or(d, "stream_url");
    if (url.empty()) return fail(c, "the gateway's " + command.action + " command has no stream_url");
    upgrade(c, url, "x-telnyx-streaming-auth-token: " + std::string(net::json::string_or(d, "stream_auth_token")));
  }

  // Opens the media socket to `url` with `header` ("name: value", or "") on the upgrade request.
  void upgrade(call& c, std::string_view stream_url, const std::string& header) {
    auto url = net::parse_url(stream_url);
    if (!url) return fail(c, "the stream url does not parse: " + std::string(stream_url));
    c.ws_target = std::string(url->path());  // Twilio keeps no query string either
    c.ws_host = url->host_port();
    c.state = phase::upgrading;
    c.ws_key = codecs::base64::encode(net::crypto::random_bytes(16));
    std::string request = "GET " + c.ws_target + " HTTP/1.1\r\nHost: " + c.ws_host +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Key: " +
                          c.ws_key + "\r\n";
    if (!header.empty()) request += header + "\r\n";
    c.out = request + "\r\n";
    c.out_sent = 0;
    connect(c, "upgrade");
  }

  void on_upgrade_response(call& c, std::string_view head, std::size_t consumed) {
    if (head.substr(0, 12) != "HTTP/1.1 101") {
      auto line = head.substr(0, head.find('\r'));
      return fail(c, "upgrade answered " + std::string(line.substr(std::min<std::size_t>(9, line.size()))));
    }
    if (net::header_in_head(head, "sec-websocket-accept") != net::ws::accept_key(c.ws_key))
      return fail(c, "upgrade: wrong Sec-WebSocket-Accept");
    std::memmove(c.in.data(), c.in.data() + consumed, c.in_len - consumed);
    c.in_len -= consumed;
    --connecting_;
    ++active_;
    ++report_.connected;
    report_.peak_active = std::max(report_.peak_active, active_);
    c.out.clear();
    c.out_sent = 0;
    c.out.reserve(2048);
    if (telnyx_) {
      c.stream_sid = sim::twilio::random_sid("stream-");
      net::ws::append_client_frame(c.out, net::ws::opcode::text, sim::telnyx::connected_message(), next_mask());
      net::ws::append_client_frame(c.out, net::ws::opcode::text,
                                   sim::telnyx::start_message(c.stream_sid, 1, c.call_sid, c.session_id, "PCMU"),
                                   next_mask());
    } else {
      c.stream_sid = sim::twilio::random_sid("MZ");
      net::ws::append_client_frame(c.out, net::ws::opcode::text, sim::twilio::connected_message(), next_mask());
      net::ws::append_client_frame(c.out, net::ws::opcode::text,
                                   sim::twilio::start_message(c.stream_sid, c.call_sid, c.stream.parameters),
                                   next_mask());
    }
    c.state = phase::streaming;
    // Frames go out on this call's slot of the wheel: the first slot visit from now.
    std::uint64_t now = now_us();
    std::uint64_t phase_us = static_cast<std::uint64_t>(c.slot) * 1000;
    c.next_frame_us = (now - now % frame_us) + phase_us;
    if (c.next_frame_us < now) c.next_frame_us += frame_us;
    flush(c);
    on_frames(c);  // anything that arrived with the 101
  }

  void send_frame(call& c, std::uint64_t now) {
    std::uint64_t k = c.tracker.frames_sent();
    scratch_.clear();
    const auto& payload = audio_.frames_base64[k % audio_.frames_base64.size()];
    if (telnyx_)
      sim::telnyx::append_media_message(scratch_, c.stream_sid, k + 2, k + 1, payload);
    else
      sim::twilio::append_media_message(scratch_, c.stream_sid, k + 2, k + 1, payload);
    net::ws::append_client_frame(c.out, net::ws::opcode::text, scratch_, next_mask());
    c.tracker.on_sent(now);
    c.next_frame_us += frame_us;
  }

  // Sends what waits in c.out straight away; what the socket cannot take yet goes when it turns writable.
  void flush(call& c) {
    if (c.fd < 0 || c.connecting || c.state == phase::done || c.state == phase::failed) return;
    if (c.out_sent < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        std::string why = std::string("write: ") + std::strerror(errno);
        if (c.state == phase::webhook || c.state == phase::upgrading)
          return fail(c, std::string(c.state == phase::webhook ? "webhook: " : "upgrade: ") + why);
        return socket_lost(c, why);
      }
      if (n > 0) c.out_sent += static_cast<std::size_t>(n);
      if (c.out_sent == c.out.size()) {
        c.out.clear();
        c.out_sent = 0;
      }
    }
    bool waiting = c.out_sent < c.out.size();
    if (waiting != c.watching_writes) {
      c.watching_writes = waiting;
      poller_.change(c.fd, tag_of(c), waiting);
    }
  }

  void on_frames(call& c) {
    std::size_t at = 0;
    for (;;) {
      std::size_t used = 0;
      net::ws::frame_reader::frame f;
      auto s = c.reader.next(c.in.data() + at, c.in_len - at, used, f);
      at += used;
      if (s == net::ws::frame_reader::status::need_more) break;
      if (s == net::ws::frame_reader::status::error) return fail(c, "bad frame from the gateway: " + c.reader.error());
      if (f.op == net::ws::opcode::text) {
        on_message(c, f.payload);
      } else if (f.op == net::ws::opcode::ping) {
        net::ws::append_client_frame(c.out, net::ws::opcode::pong, f.payload, next_mask());
        flush(c);
      } else if (f.op == net::ws::opcode::close) {
        net::ws::append_client_frame(c.out, net::ws::opcode::close, {}, next_mask());
        flush(c);
        unsigned code = f.payload.size() >= 2
                            ? (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1])
                            : 1005;
        return socket_lost(c, "close frame " + std::to_string(code));
      }
    }
    std::memmove(c.in.data(), c.in.data() + at, c.in_len - at);
    c.in_len -= at;
  }

  void on_message(call& c, std::string_view text) {
    text_.assign(text);  // parsed in place; the buffer keeps its capacity from message to message
    net::json::insitu_document doc;
    if (auto err = doc.parse(text_); !err.empty()) return fail(c, "a message from the gateway that is not JSON");
    auto event = net::json::string_or(doc.root(), "event");
    if (event == "media") {
      auto payload = string_in(doc.root(), "media", "payload");
      auto n =
          payload.size() <= decoded_.size() / 3 * 4 ? codecs::base64::decode(payload, decoded_.data()) : std::nullopt;
      if (!n) return fail(c, "media payload that is not valid base64");
      auto now = now_us();
      c.tracker.on_received(std::span<const std::uint8_t>(decoded_.data(), *n), now, audio_.loop, report_.latency,
                            in_steady() ? &report_.steady_latency : nullptr);
      c.handset.on_media(*n, time_at(now));
    } else if (event == "mark") {
      // Answered once the audio queued before it has played (at once if none is), as the provider does.
      c.handset.on_mark(std::string(string_in(doc.root(), "mark", "name")), time_at(now_us()));
      answer_marks(c);
    } else if (event == "clear") {
      ++report_.clears;
      for (const auto& name : c.handset.on_clear(time_at(now_us()))) answer_mark(c, name);
    }
  }

  clock::time_point time_at(std::uint64_t us) const { return start_ + std::chrono::microseconds(us); }

  // The marks whose audio has played by now go out with what this call sends next.
  void answer_marks(call& c) {
    if (c.handset.pending_marks() == 0) return;
    c.handset.answer_due(time_at(now_us()), [&](const std::string& name) { answer_mark(c, name); });
  }

  void answer_mark(call& c, std::string_view name) {
    scratch_ = telnyx_ ? sim::telnyx::mark_echo(c.stream_sid, name) : sim::twilio::mark_echo(c.stream_sid, name);
    net::ws::append_client_frame(c.out, net::ws::opcode::text, scratch_, next_mask());
    ++report_.marks_answered;
  }

  static std::string_view string_in(const net::json::value& root, std::string_view object, std::string_view key) {
    auto* inner = net::json::member(root, object);
    return inner && inner->IsObject() ? net::json::string_or(*inner, key) : std::string_view{};
  }

  void socket_lost(call& c, const std::string& why) {
    if (c.state == phase::stopping) return finish(c, phase::done, {});
    fail(c, "media socket lost mid-call (" + why + ")");
  }

  void fail(call& c, const std::string& why) { finish(c, phase::failed, why); }

  void finish(call& c, phase how, const std::string& why) {
    if (c.state == phase::done || c.state == phase::failed) return;
    if (c.state == phase::webhook || c.state == phase::answering || c.state == phase::upgrading) --connecting_;
    if (c.state == phase::streaming || c.state == phase::draining || c.state == phase::stopping) --active_;
    if (c.state == phase::streaming) end_steady();
    c.state = how;
    ++finished_;
    if (how == phase::failed) {
      ++report_.failed;
      ++report_.failures[why];
    } else {
      ++report_.completed;
    }
    close_socket(c);
  }

  load_progress snapshot() const {
    load_progress p;
    p.elapsed_s = seconds_since_start();
    p.placed = report_.placed;
    p.connected = report_.connected;
    p.failed = report_.failed;
    p.active = active_;
    p.finished = finished_;
    for (const auto& c : calls_) {
      p.frames_sent += c->tracker.frames_sent();
      p.frames_back += c->tracker.frames_back();
    }
    p.p99_us = report_.latency.quantile(0.99);
    return p;
  }

  const load_options& options_;
  const std::function<void(const load_progress&)>& progress_;
  bool telnyx_;
  std::optional<sim::telnyx::signing_key> telnyx_key_;
  std::unique_ptr<sim::call_control_api> api_;  // telnyx: where the gateway's answers arrive
  poller poller_;
  tcp_endpoint endpoint_;
  tcp_endpoint media_endpoint_;  // where media sockets connect (endpoint_ unless --media-to)
  caller_audio audio_;
  std::string host_header_, public_url_;
  std::vector<std::unique_ptr<call>> calls_;
  std::array<std::vector<call*>, wheel_slots> wheel_;
  std::uint64_t frames_per_call_ = 0;
  std::string scratch_, text_;
  std::vector<std::uint8_t> decoded_;
  std::uint32_t mask_state_ = 0x9e3779b9u;
  clock::time_point start_, tick_at_;
  std::uint64_t last_ms_ = 0, last_progress_s_ = 0, give_up_us_ = 0;
  int connecting_ = 0, active_ = 0, finished_ = 0;
  bool steady_ = false, steady_ended_ = false;
  std::uint64_t steady_start_us_ = 0;
  net::process_usage own_steady_start_;
  load_report report_;
};

}  // namespace

load_report run_load(const load_options& options, const std::function<void(const load_progress&)>& progress) {
  load_engine engine(options, progress);
  return engine.run();
}

}  // namespace voxgate::tools
