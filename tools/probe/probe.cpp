// `voxgate probe` (tools/probe/probe.hpp): the walk along the public path, step by step, as the
// provider would take it through its caller (tools/sim/caller.hpp). Each step is a line that says
// what was found, and on failure the likely cause and the fix. The command line is probe_command.cpp.
#include "tools/probe/probe.hpp"

#include <cmath>
#include <cstdio>

#include "net/url.hpp"
#include "tools/probe/probe_client.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::tools {

namespace {

using namespace std::chrono_literals;

std::string seconds_text(int frames) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", frames * 0.02);
  return buf;
}

// What an unexpected webhook answer most likely means, for any provider; empty when it is none of the
// common cases. A 403 is provider-specific (whose key or token) and left to the caller.
std::string webhook_refusal_hint(unsigned status, std::string_view type, const std::string& target) {
  if (status == 404 || status == 405) return "POST " + target + " is not routed here: is this URL the VoxGate gateway?";
  if (status >= 500)
    return "the gateway or the proxy in front of it failed (a 502/504 is usually a proxy with no upstream)";
  if (type.find("html") != std::string_view::npos)
    return "an HTML page answered: a static site or a proxy's default page, not VoxGate";
  return {};
}

// Why a media upgrade got something other than 101, for any provider (a 403 is left to the caller).
// `provider_error` names the provider's own error code for it, if it has one.
std::string upgrade_refusal_hint(unsigned status, std::string_view type, std::string_view path,
                                 std::string_view provider_error) {
  std::string suffix = provider_error.empty() ? "" : " (" + std::string(provider_error) + ")";
  if (status == 404) return "the media path is not routed: the proxy sends " + std::string(path) + " somewhere else";
  if (status == 200 && type.find("html") != std::string_view::npos)
    return "a proxy or a static site answered with a page instead of upgrading" + suffix;
  if (status == 426 || status == 400)
    return "the Upgrade/Connection headers were stripped on the way: let the proxy pass WebSocket upgrades "
           "(nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "
           "\"upgrade\")";
  if (status == 502 || status == 503 || status == 504)
    return "the proxy could not reach the gateway for the upgrade, or cut it off";
  return "the upgrade did not get 101 Switching Protocols" + suffix;
}

class prober {
 public:
  explicit prober(const probe_options& o) : options_(o) {}

  probe_report run() {
    auto u = net::parse_url(options_.public_url);
    if (!u || (u->scheme != "https" && u->scheme != "http")) {
      fail("url", 0ms, options_.public_url,
           "give the public base URL the provider calls, e.g. https://voice.example.com");
      return report_;
    }
    base_ = *u;
    while (!base_.target.empty() && base_.target.back() == '/') base_.target.pop_back();
    if (base_.scheme == "http" && !options_.insecure_local)
      fail("scheme", 0ms, "http://",
           "providers call webhooks over https and media over wss only: serve the gateway behind TLS");
    sim::caller_settings settings{base_.origin() + base_.target, options_.credential, "probe", options_.insecure_local};
    settings.media_port = options_.media_port;
    caller_ = sim::make_caller(options_.provider, settings);
    if (!caller_) {
      fail("provider", 0ms, options_.provider, "no simulated caller plays this provider");
      return report_;
    }
    if (auto why = caller_->credential_problem(); !why.empty()) {
      fail("credential", 0ms, why, "give the key the provider signs with (--telnyx-private-key, --auth-token)");
      return report_;
    }
    client_ = std::make_unique<probe_client>(base_, net::tls_settings{options_.ca_file}, options_.connect_to);
    if (!step("dns", client_->resolve(), "the name does not resolve: check the domain, or the tunnel's current URL"))
      return report_;
    if (!step("tcp", client_->connect(),
              "nothing accepts connections there: is the gateway (or its proxy/tunnel) running, and the port open?"))
      return report_;
    auto tls = client_->tls_handshake();
    if (!step("tls", tls,
              tls.plain_http ? "is the gateway plain http? try http://" + base_.host_port() + base_.target +
                                   " with --insecure-local (a provider needs TLS in front of it)"
                             : "providers reject this certificate (Twilio: error 31910): use a publicly trusted "
                               "certificate for this exact name"))
      return report_;
    if (caller_->answers_by_api()) {
      answered_elsewhere();
      return report_;
    }
    auto socket = webhook();
    if (!socket) return report_;
    if (socket->over == sim::media_socket::transport::tcp) {
      if (!connect_media(*socket)) return report_;
    } else {
      if (!check_stream_url(*socket)) return report_;
      if (!upgrade(*socket)) return report_;
    }
    media(socket->over == sim::media_socket::transport::tcp);
    return report_;
  }

 private:
  void add(std::string name, bool ok, std::chrono::milliseconds took, std::string detail, std::string hint) {
    report_.lines.push_back({std::move(name), ok, took, std::move(detail), ok ? std::string() : std::move(hint)});
  }
  void fail(std::string name, std::chrono::milliseconds took, std::string detail, std::string hint) {
    add(std::move(name), false, took, std::move(detail), std::move(hint));
  }
  bool step(const std::string& name, const probe_step& s, const std::string& hint) {
    add(name, s.ok, s.took, s.detail, hint);
    return s.ok;
  }

  // Sends a request of the provider's to the gateway: the webhook step's line, true on a 200.
  bool post(const sim::provider_request& req, const std::string& what, probe_http_response& res) {
    std::string target = base_.target + req.target;
    auto s = client_->http(req.method, target, req.headers, req.body, res);
    if (!s.ok) {
      fail("webhook", s.took, s.detail, "the webhook request did not complete: see the tcp/tls lines");
      return false;
    }
    auto type = net::header_or(res.headers, "Content-Type");
    std::string detail = req.method + " " + target.substr(0, target.find('?')) + what + " -> HTTP " +
                         std::to_string(res.status) + " " + type;
    if (res.status == 403 || res.status == 401) {  // 401: Vonage's signed webhooks
      fail("webhook", s.took, detail + " " + res.body.substr(0, 60),
           "the gateway refused the signature: its " + std::string(caller_->credential_setting()) +
               " must match what is given here, its PUBLIC_URL be exactly " + base_.origin() + base_.target +
               ", and both clocks right");
      return false;
    }
    if (auto hint = webhook_refusal_hint(res.status, type, target); !hint.empty()) {
      fail("webhook", s.took, detail, hint);
      return false;
    }
    if (res.status != 200) {
      fail("webhook", s.took, detail, "the webhook was not accepted: see the gateway's log");
      return false;
    }
    add("webhook", true, s.took, detail, {});
    return true;
  }

  std::optional<sim::media_socket> webhook() {
    probe_http_response res;
    if (!post(caller_->webhook(), "", res)) return std::nullopt;
    auto answer = caller_->read_answer(res.status, net::header_or(res.headers, "Content-Type"), res.body);
    if (answer.what != sim::call_answer::kind::socket) {
      fail("answer", 0ms, res.body.substr(0, 200),
           res.body.find("<Hangup") != std::string::npos
               ? "the gateway turned the call away (MAX_CALLS reached, or draining)"
               : answer.why + ": something other than VoxGate answered, or it refused the call");
      return std::nullopt;
    }
    add("answer", true, 0ms, "media socket at " + answer.socket.url, {});
    return answer.socket;
  }

  bool check_stream_url(const sim::media_socket& socket) {
    auto u = net::parse_url(socket.url);
    std::vector<std::string> problems;
    std::string hint;
    if (!u) {
      fail("stream-url", 0ms, socket.url, "the media url does not parse (Twilio: error 31923)");
      return false;
    }
    bool secure_ok = u->scheme == "wss" || (options_.insecure_local && u->scheme == "ws");
    if (!secure_ok) {
      problems.push_back("scheme is " + u->scheme);
      hint = "providers accept only wss:// (Twilio: error 31922): set PUBLIC_URL=https://" + base_.host_port();
    }
    if (u->host_port() != base_.host_port()) {
      problems.push_back("host is " + u->host_port() + ", not " + base_.host_port());
      hint = "the gateway believes its public host is " + u->host_port() + ": set PUBLIC_URL=" + base_.origin() +
             " (without it, the host comes from proxy headers)";
    }
    if (u->path().find("//") != std::string_view::npos) {
      problems.push_back("has a double slash");
      hint = "PUBLIC_URL ends with '/' somewhere the gateway did not strip: remove it";
    }
    if (!base_.target.empty() && u->path().substr(0, base_.target.size() + 1) != base_.target + "/") {
      problems.push_back("path is " + std::string(u->path()));
      if (hint.empty()) hint = "the media path should be under the public URL's path, " + base_.target;
    }
    if (!problems.empty()) {
      std::string detail;
      for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
      fail("stream-url", 0ms, socket.url + ": " + detail, hint);
      return false;
    }
    stream_ = *u;
    add("stream-url", true, 0ms, socket.url + ": scheme, host, path", {});
    return true;
  }

  bool upgrade(const sim::media_socket& socket) {
    probe_http_response res;
    auto s = client_->upgrade(stream_.target, socket.headers, res);
    if (s.ok) {
      add("upgrade", true, s.took, s.detail, {});
      return true;
    }
    auto type = net::header_or(res.headers, "Content-Type");
    auto hint = res.status == 403 ? "the gateway refused the upgrade: PUBLIC_URL or the credential differ from what "
                                    "the provider uses"
                                  : upgrade_refusal_hint(res.status, type, stream_.path(), "Twilio: error 31920");
    fail("upgrade", s.took, s.detail + (type.empty() ? "" : " " + type), hint);
    return false;
  }

  // A provider that dials the gateway over plain TCP (AudioSocket): no URL, no upgrade, just the port.
  bool connect_media(const sim::media_socket& socket) {
    auto s = client_->open_tcp(socket.port, [this](std::string_view b) { return caller_->frame_size(b); });
    return step("media-tcp", s,
                "nothing accepts the media connection: is --media-port the gateway's media listener (AudioSocket: "
                "AUDIOSOCKET_PORT), open from here, and the listener bound to an address this host reaches?");
  }

  void send(const sim::provider_frame& f) { client_->send(f.data, f.binary); }

  void media(bool tcp) {
    for (const auto& f : caller_->opening()) send(f);
    auto started = std::chrono::steady_clock::now();
    // A line's faint noise floor (mu-law 0xFE, a sample of 8), not digital zero: a paced gateway fills a
    // quiet line with digital zero, and the audio that comes back must be told from that filler.
    const std::vector<std::uint8_t> silence(160, 0xFE);
    std::optional<std::chrono::milliseconds> first_audio;
    bool closed = false;
    int frames = std::max(1, static_cast<int>(std::lround(options_.seconds * 50)));
    std::string payload;
    for (int n = 0; n < frames && !closed; ++n) {
      payload.clear();
      bool binary = caller_->append_media(payload, silence);
      client_->send(payload, binary);
      auto next = started + std::chrono::milliseconds(20 * (n + 1));
      while (!closed) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        bool binary_in = false;
        auto frame = client_->read(left, &closed, &binary_in);
        if (frame && !first_audio && caller_->read(*frame, binary_in).what == sim::gateway_message::kind::media)
          first_audio =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      }
    }
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::string call = std::string(caller_->call_id());
    if (closed) {
      fail("media", took, "the gateway closed the stream after start",
           "the stream was refused after start (token or call id not accepted): look for 'media socket refused' and "
           "call=" +
               call + " in the gateway's log");
      return;
    }
    add("media", true, took, "sent " + std::to_string(frames) + " frames (" + seconds_text(frames) + " s) after start",
        {});
    if (first_audio)
      add("audio-back", true, *first_audio,
          "first audio from the gateway after " + std::to_string(first_audio->count()) + " ms", {});
    else
      fail("audio-back", took, "no audio came back",
           "the call streamed but the AI said nothing: check the gateway's log for call=" + call +
               " (AI backend unreachable, bad key?)");
    if (auto stop = caller_->stop(); !stop.data.empty()) send(stop);
    if (tcp) client_->shutdown_send();  // the caller hangs up by closing its side
    if (auto notice = caller_->notice(sim::caller::moment::hung_up)) {  // Vonage's caller leg `completed`
      probe_http_response res;
      client_->http(notice->method, base_.target + notice->target, notice->headers, notice->body, res);
    }
    auto stop_at = std::chrono::steady_clock::now();
    while (!closed && std::chrono::steady_clock::now() - stop_at < 3s) client_->read(100ms, &closed, nullptr);
    auto stop_took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop_at);
    if (closed)
      add("stop", true, stop_took, "the gateway closed the stream after stop", {});
    else
      fail("stop", stop_took, "the stream stayed open 3 s after stop",
           "the gateway did not end the call on stop: see its log");
  }

  // A provider that answers by API (Telnyx's Call Control) sends the media URL and its token where only
  // it receives them. What the probe can check from outside: that a signed notice touching no live call
  // is accepted, and that a media upgrade reaches the gateway (which must refuse the probe's made-up
  // token) rather than a proxy, a static site or a 404.
  void answered_elsewhere() {
    auto notice = caller_->notice(sim::caller::moment::hung_up);
    probe_http_response res;
    if (!notice || !post(*notice, " (a signed notice for no live call)", res)) return;
    auto socket = caller_->made_up_socket();
    if (!socket) return;
    std::string path = base_.target + socket->url;
    probe_http_response up;
    auto u = client_->upgrade(path, socket->headers, up);
    auto up_type = net::header_or(up.headers, "Content-Type");
    std::string up_detail = "GET " + path.substr(0, path.rfind('/')) + "/<made-up token> -> HTTP " +
                            std::to_string(up.status) + (up_type.empty() ? "" : " " + up_type);
    if (u.ok)
      return fail("upgrade", u.took, up_detail + ": 101",
                  "the media socket accepted a made-up token: this is not VoxGate, or its token check is off");
    if (up.status != 403 || up.body.find("token") == std::string::npos)
      return fail("upgrade", u.took, up_detail,
                  upgrade_refusal_hint(up.status, up_type, path.substr(0, path.rfind('/') + 1), ""));
    add("upgrade", true, u.took,
        up_detail + ": the upgrade reached the gateway, which refused the made-up token as it must", {});
    add("media", true, 0ms,
        "not streamed: the media URL and token travel in the gateway's answer to the provider's API, which only the "
        "provider receives. For audio end to end, run `voxgate call --provider " +
            options_.provider + "` against a gateway whose answers reach this machine",
        {});
  }

  probe_options options_;
  probe_report report_;
  net::url base_;
  net::url stream_;
  std::unique_ptr<sim::caller> caller_;
  std::unique_ptr<probe_client> client_;
};

}  // namespace

bool probe_report::ok() const {
  for (const auto& l : lines)
    if (!l.ok) return false;
  return !lines.empty();
}

const probe_line* probe_report::find(const std::string& step) const {
  for (const auto& l : lines)
    if (l.step == step) return &l;
  return nullptr;
}

probe_report run_probe(const probe_options& options) { return prober(options).run(); }

std::string render(const probe_report& report) {
  std::string out;
  for (const auto& l : report.lines) {
    char head[64];
    std::snprintf(head, sizeof head, "%s %-11s %6lld ms  ", l.ok ? "\u2713" : "\u2717", l.step.c_str(),
                  static_cast<long long>(l.took.count()));
    out += head + l.detail + "\n";
    if (!l.ok && !l.hint.empty()) out += "                          -> " + l.hint + "\n";
  }
  out += report.ok() ? "probe: the public path works end to end\n" : "probe: FAILED (see the first \u2717 line)\n";
  return out;
}

}  // namespace voxgate::tools
