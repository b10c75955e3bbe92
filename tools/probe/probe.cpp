#include "tools/probe/probe.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "net/providers/twilio/signature.hpp"
#include "net/public_url.hpp"
#include "net/url.hpp"
#include "tools/probe/probe_client.hpp"
#include "tools/sim/telnyx_caller.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace voxgate::tools {

namespace {

using namespace std::chrono_literals;

using twiml_stream = sim::twilio::stream_instruction;

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
           "Twilio calls webhooks over https and media over wss only: serve the gateway behind TLS");
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
                             : "providers reject this certificate (Twilio error 31910): use a publicly trusted "
                               "certificate for this exact name"))
      return report_;
    if (options_.provider == "telnyx") {
      telnyx();
      return report_;
    }
    auto stream = webhook();
    if (!stream) return report_;
    if (!check_stream_url(*stream)) return report_;
    if (!upgrade(*stream)) return report_;
    media(*stream);
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

  std::optional<twiml_stream> webhook() {
    call_sid_ = sim::twilio::random_sid("CA");
    auto form = sim::twilio::voice_webhook_form(call_sid_);
    std::string target = base_.target + "/twilio/voice";
    net::header_list headers{{"Content-Type", "application/x-www-form-urlencoded"}, {simulated_header, "probe"}};
    if (!options_.auth_token.empty())
      headers.emplace_back("X-Twilio-Signature",
                           net::twilio::compute_signature(options_.auth_token, base_.origin() + target, form));
    probe_http_response res;
    auto s = client_->http("POST", target, headers, net::encode_form(form), res);
    if (!s.ok) {
      fail("webhook", s.took, s.detail, "the webhook request did not complete: see the tcp/tls lines");
      return std::nullopt;
    }
    auto type = net::header_or(res.headers, "Content-Type");
    std::string detail = "POST " + target + " -> HTTP " + std::to_string(res.status) + " " + type;
    if (res.status == 403) {
      fail("webhook", s.took, detail,
           "the gateway refused the signature: its PUBLIC_URL must be exactly " + base_.origin() + base_.target +
               " and its TWILIO_AUTH_TOKEN the one given here (--auth-token)");
      return std::nullopt;
    }
    if (auto hint = webhook_refusal_hint(res.status, type, target); !hint.empty()) {
      fail("webhook", s.took, detail, hint);
      return std::nullopt;
    }
    if (res.status != 200 || type.find("xml") == std::string::npos ||
        res.body.find("<Response>") == std::string::npos) {
      fail("webhook", s.took, detail, "the answer is not TwiML: something other than VoxGate answered");
      return std::nullopt;
    }
    add("webhook", true, s.took, detail, {});
    auto stream = sim::twilio::parse_stream_instruction(res.body);
    if (!stream) {
      fail("twiml", 0ms, res.body.substr(0, 200),
           res.body.find("<Hangup") != std::string::npos
               ? "the gateway turned the call away (MAX_CALLS reached, or draining)"
               : "no <Connect><Stream> in the answer");
      return std::nullopt;
    }
    add("twiml", true, 0ms,
        "<Connect><Stream url=\"" + stream->url + "\"> with " + std::to_string(stream->parameters.size()) +
            " parameters",
        {});
    return stream;
  }

  bool check_stream_url(const twiml_stream& stream) {
    auto u = net::parse_url(stream.url);
    std::vector<std::string> problems;
    std::string hint;
    if (!u) {
      fail("stream-url", 0ms, stream.url, "the Stream url does not parse (Twilio error 31923)");
      return false;
    }
    bool secure_ok = u->scheme == "wss" || (options_.insecure_local && u->scheme == "ws");
    if (!secure_ok) {
      problems.push_back("scheme is " + u->scheme);
      hint = "Twilio accepts only wss:// (error 31922): set PUBLIC_URL=https://" + base_.host_port();
    }
    if (u->host_port() != base_.host_port()) {
      problems.push_back("host is " + u->host_port() + ", not " + base_.host_port());
      hint = "the gateway believes its public host is " + u->host_port() + ": set PUBLIC_URL=" + base_.origin() +
             " (without it, the host comes from proxy headers)";
    }
    if (!u->query().empty()) {
      problems.push_back("has a query string");
      hint = "Twilio drops query strings from the Stream url: per-call data must travel in <Parameter>s";
    }
    if (u->path().find("//") != std::string_view::npos) {
      problems.push_back("has a double slash");
      hint = "PUBLIC_URL ends with '/' somewhere the gateway did not strip: remove it";
    }
    // /twilio/media/<token> (one per call), or the bare path of older TwiML.
    auto media = base_.target + "/twilio/media";
    auto path = u->path();
    if (path != media && !(path.size() > media.size() + 1 && path.substr(0, media.size() + 1) == media + "/")) {
      problems.push_back("path is " + std::string(path));
      if (hint.empty()) hint = "the media path should be /twilio/media/<token> under the public URL";
    }
    if (!problems.empty()) {
      std::string detail;
      for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
      fail("stream-url", 0ms, stream.url + ": " + detail, hint);
      return false;
    }
    stream_ = *u;
    add("stream-url", true, 0ms, stream.url + ": scheme, host, no query, path", {});
    return true;
  }

  bool upgrade(const twiml_stream& stream) {
    net::header_list headers;
    if (!options_.auth_token.empty())
      headers.emplace_back("X-Twilio-Signature", net::twilio::compute_signature(options_.auth_token, stream.url, {}));
    probe_http_response res;
    auto s = client_->upgrade(std::string(stream_.path()), headers, res);
    if (s.ok) {
      add("upgrade", true, s.took, s.detail, {});
      return true;
    }
    auto type = net::header_or(res.headers, "Content-Type");
    auto hint = res.status == 403
                    ? "the gateway refused the upgrade's signature: PUBLIC_URL or the auth token differ from what "
                      "Twilio uses"
                    : upgrade_refusal_hint(res.status, type, stream_.path(), "Twilio error 31920");
    fail("upgrade", s.took, s.detail + (type.empty() ? "" : " " + type), hint);
    return false;
  }

  void media(const twiml_stream& stream) {
    const std::string sid = sim::twilio::random_sid("MZ");
    client_->send_text(sim::twilio::connected_message());
    client_->send_text(sim::twilio::start_message(sid, call_sid_, stream.parameters));
    auto started = std::chrono::steady_clock::now();
    const std::string silence(160, '\xFF');  // mu-law silence
    std::optional<std::chrono::milliseconds> first_audio;
    bool closed = false;
    int frames = std::max(1, static_cast<int>(std::lround(options_.seconds * 50)));
    for (int n = 0; n < frames && !closed; ++n) {
      client_->send_text(sim::twilio::media_message(sid, static_cast<std::uint64_t>(n) + 2,
                                                    static_cast<std::uint64_t>(n) + 1, silence));
      auto next = started + std::chrono::milliseconds(20 * (n + 1));
      while (!closed) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        auto frame = client_->read_text(left, &closed);
        if (frame && !first_audio && frame->find("\"event\":\"media\"") != std::string::npos)
          first_audio =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      }
    }
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (closed) {
      fail("media", took, "the gateway closed the stream after start",
           "the stream was refused after start (token or CallSid not accepted): look for 'media socket refused' and "
           "call=" +
               call_sid_ + " in the gateway's log");
      return;
    }
    add("media", true, took, "sent " + std::to_string(frames) + " frames (" + seconds_text(frames) + " s) after start",
        {});
    if (first_audio)
      add("audio-back", true, *first_audio,
          "first audio from the gateway after " + std::to_string(first_audio->count()) + " ms", {});
    else
      fail("audio-back", took, "no audio came back",
           "the call streamed but the AI said nothing: check the gateway's log for call=" + call_sid_ +
               " (AI backend unreachable, bad key?)");
    client_->send_text(sim::twilio::stop_message(sid, 99999, call_sid_));
    auto stop_at = std::chrono::steady_clock::now();
    while (!closed && std::chrono::steady_clock::now() - stop_at < 3s) client_->read_text(100ms, &closed);
    auto stop_took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop_at);
    if (closed)
      add("stop", true, stop_took, "the gateway closed the stream after stop", {});
    else
      fail("stop", stop_took, "the stream stayed open 3 s after stop",
           "the gateway did not end the call on stop: see its log");
  }

  // Telnyx answers calls through the Call Control API, so the media URL and its token travel in the
  // gateway's REST answer, which only Telnyx receives. What the probe can check from outside: that a
  // signed webhook is accepted, and that a media upgrade reaches the gateway (which must refuse the
  // probe's made-up token) rather than a proxy, a static site or a 404.
  void telnyx() {
    std::string target = base_.target + "/telnyx/webhook";
    std::string ccid = "v3:voxgate-probe-" + sim::twilio::random_sid("");
    auto body = sim::telnyx::webhook_event(ccid + "-evt", "call.hangup", ccid, ccid + "-session");
    auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    net::header_list headers{
        {"Content-Type", "application/json"}, {"telnyx-timestamp", ts}, {simulated_header, "probe"}};
    if (!options_.telnyx_private_key_pem.empty()) {
      std::string why;
      auto key = sim::telnyx::signing_key::from_pem(options_.telnyx_private_key_pem, &why);
      if (!key) return fail("webhook", 0ms, "--telnyx-private-key", why);
      headers.emplace_back("telnyx-signature-ed25519", key->signature_for(ts, body));
    }
    probe_http_response res;
    auto s = client_->http("POST", target, headers, body, res);
    if (!s.ok) return fail("webhook", s.took, s.detail, "the webhook request did not complete: see the tcp/tls lines");
    auto type = net::header_or(res.headers, "Content-Type");
    std::string detail = "POST " + target + " (a signed call.hangup for no live call) -> HTTP " +
                         std::to_string(res.status) + " " + type;
    if (res.status == 403)
      return fail("webhook", s.took, detail + " " + res.body.substr(0, 60),
                  "the gateway refused the signature: its TELNYX_PUBLIC_KEY must be the public half of the key given "
                  "here (--telnyx-private-key), and both clocks within 300 s");
    if (auto hint = webhook_refusal_hint(res.status, type, target); !hint.empty())
      return fail("webhook", s.took, detail, hint);
    if (res.status != 200)
      return fail("webhook", s.took, detail, "the webhook was not accepted: see the gateway's log");
    add("webhook", true, s.took, detail, {});

    std::string media_path = base_.target + "/telnyx/media/voxgate-probe-not-a-token";
    probe_http_response up;
    auto u = client_->upgrade(media_path, {{"x-telnyx-streaming-auth-token", "voxgate-probe-not-a-token"}}, up);
    auto up_type = net::header_or(up.headers, "Content-Type");
    std::string up_detail = "GET " + base_.target + "/telnyx/media/<made-up token> -> HTTP " +
                            std::to_string(up.status) + (up_type.empty() ? "" : " " + up_type);
    if (u.ok)
      return fail("upgrade", u.took, up_detail + ": 101",
                  "the media socket accepted a made-up token: this is not VoxGate, or its token check is off");
    if (up.status != 403 || up.body.find("token") == std::string::npos)
      return fail("upgrade", u.took, up_detail,
                  upgrade_refusal_hint(up.status, up_type, base_.target + "/telnyx/media/", ""));
    add("upgrade", true, u.took,
        up_detail + ": the upgrade reached the gateway, which refused the made-up token as it must", {});
    add("media", true, 0ms,
        "not streamed: Telnyx's media URL and token travel in the gateway's Call Control answer, which only Telnyx "
        "receives. For audio end to end, run `voxgate call --provider telnyx` against a gateway whose TELNYX_API_BASE "
        "points at it",
        {});
  }

  probe_options options_;
  probe_report report_;
  net::url base_;
  net::url stream_;
  std::string call_sid_;
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

std::string explain_public_url(const std::string& public_url_env, const net::header_list& headers) {
  std::string out;
  if (!public_url_env.empty()) {
    std::string why;
    auto base = net::public_base_from_config(public_url_env, &why);
    if (!base) return "PUBLIC_URL=" + public_url_env + " is refused: " + why + "\n";
    out += "PUBLIC_URL is set, so request headers do not matter:\n";
    out += "  webhook: " + base->http_url("/twilio/voice") + "\n  stream:  " + base->ws_url("/twilio/media") + "\n";
    return out;
  }
  auto base = net::derive_public_base(headers, false);
  out += "PUBLIC_URL is not set; for these headers the gateway uses " + base.http + "\n";
  out += "  how: " + base.how + "\n";
  out += "  webhook: " + base.http_url("/twilio/voice") + "\n  stream:  " + base.ws_url("/twilio/media") + "\n";
  if (base.ws.rfind("wss://", 0) != 0)
    out +=
        "  warning: the stream URL is not wss://, which Twilio refuses; the proxy must send X-Forwarded-Proto: https, "
        "or set PUBLIC_URL\n";
  return out;
}

const args::command& probe_arguments() {
  using args::kind;
  static const args::command c{
      .name = "probe",
      .usage = {"PUBLIC_URL [options]", "--explain [-H 'Name: value']..."},
      .description =
          "Walks the public path as the provider would: DNS, TCP, TLS, signed webhook, TwiML, Stream url\n"
          "checks, WebSocket upgrade, start and media, audio back, stop. One line per step; on failure the\n"
          "likely cause and the fix. Exit status 0 only when every step passed.",
      .positional = "PUBLIC_URL",
      .options = {
          {.name = "--provider",
           .type = kind::text,
           .help = "which provider to play; for telnyx, its signed webhook and media upgrade only\n"
                   "(media end to end is `voxgate call --provider telnyx`'s job)",
           .default_value = "twilio",
           .choices = {"twilio", "telnyx"}},
          {.name = "--auth-token",
           .type = kind::text,
           .value_name = "TOKEN",
           .help = "TWILIO_AUTH_TOKEN, to sign requests as Twilio does"},
          {.name = "--telnyx-private-key",
           .type = kind::text,
           .value_name = "PEM",
           .help = "Ed25519 private key file whose public half is the gateway's TELNYX_PUBLIC_KEY"},
          {.name = "--connect",
           .type = kind::text,
           .value_name = "HOST:PORT",
           .help = "connect here instead of the URL's host (the name is still used for TLS)"},
          {.name = "--ca-file",
           .type = kind::text,
           .value_name = "PEM",
           .help = "also trust this CA certificate (a privately signed gateway)"},
          {.name = "--seconds",
           .type = kind::number,
           .value_name = "S",
           .help = "of media to stream after start",
           .default_value = "3",
           .min = 0.1,
           .max = 3600},
          {.name = "--insecure-local", .help = "accept http/ws, for a gateway on this machine (Twilio never would)"},
          {.name = "--explain",
           .help = "print how the gateway derives its public URL from request headers (-H) and PUBLIC_URL"},
          {.name = "--header",
           .short_name = 'H',
           .type = kind::texts,
           .value_name = "'NAME: VALUE'",
           .help = "a request header for --explain (repeatable)"},
      }};
  return c;
}

int probe_command(int argc, char** argv) {
  args::values a;
  if (auto status = args::read(probe_arguments(), argc, argv, a)) return *status;
  if (a.flag("--explain")) {
    net::header_list headers;
    for (const auto& h : a.texts("--header")) {
      auto colon = h.find(':');
      if (colon == std::string::npos) {
        std::cerr << "voxgate probe: --header must be 'Name: value', got '" << h << "'\n";
        return 2;
      }
      std::string name = h.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto v = h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      headers.emplace_back(name, v);
    }
    const char* env = std::getenv("PUBLIC_URL");
    std::cout << explain_public_url(env ? env : "", headers);
    return 0;
  }
  probe_options o;
  o.public_url = a.positional();
  if (o.public_url.empty()) {
    std::cerr << "voxgate probe: give the public URL to probe, e.g. https://voice.example.com (see --help)\n";
    return 2;
  }
  o.provider = a.text("--provider");
  o.auth_token = a.text("--auth-token");
  o.connect_to = a.text("--connect");
  o.ca_file = a.text("--ca-file");
  o.seconds = a.number("--seconds");
  o.insecure_local = a.flag("--insecure-local");
  if (auto path = a.text("--telnyx-private-key"); !path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "voxgate probe: cannot read --telnyx-private-key '" << path << "'\n";
      return 2;
    }
    o.telnyx_private_key_pem.assign((std::istreambuf_iterator<char>(in)), {});
  }
  auto report = run_probe(o);
  std::cout << render(report);
  return report.ok() ? 0 : 1;
}

}  // namespace voxgate::tools
