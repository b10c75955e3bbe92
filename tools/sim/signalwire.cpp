#include "tools/sim/signalwire.hpp"

#include <rapidjson/document.h>

#include <future>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/providers/twilio/signature.hpp"
#include "net/ws_client.hpp"
#include "tools/sim/playback.hpp"
#include "tools/sim/signalwire_caller.hpp"

namespace voxgate::sim {

// The caller's ear: the simulator's playback (tools/sim/playback.hpp) on the sim's loop, where each
// mark waits (one timer task each) for the audio queued before it; a clear sends every pending mark
// back at once.
struct signalwire_sim::handset {
  using clock = std::chrono::steady_clock;

  net::io_runtime* io = nullptr;
  std::function<void(const std::string&)> echo;
  mutable std::mutex mutex;
  sim::playback playback;
  bool stopped = false;

  void on_media(std::size_t bytes) {
    std::lock_guard lock(mutex);
    playback.on_media(bytes, clock::now());
  }

  // On the sim's loop (the socket's sink), so that the timer task runs there too.
  void on_mark(std::string name) {
    std::unique_lock lock(mutex);
    auto now = clock::now();
    playback.on_mark(std::move(name), now);
    if (playback.played_until() > now) io->run_here_at(playback.played_until(), &handset::due, this, nullptr);
    auto names = playback.due(now);
    lock.unlock();
    for (const auto& n : names) echo(n);
  }

  void on_clear() {
    std::unique_lock lock(mutex);
    auto flushed = playback.on_clear(clock::now());
    lock.unlock();
    for (const auto& name : flushed) echo(name);
  }

  static void due(void* self, void*) { static_cast<handset*>(self)->echo_due(); }

  void echo_due() {
    std::vector<std::string> names;
    {
      std::lock_guard lock(mutex);
      if (stopped) return;  // the loop is stopping: its tasks run early, and nothing is sent
      names = playback.due(clock::now());
    }
    for (const auto& name : names) echo(name);
  }

  std::chrono::milliseconds played() const {
    std::lock_guard lock(mutex);
    return playback.played(clock::now());
  }

  void stop() {
    std::lock_guard lock(mutex);
    stopped = true;
  }
};

namespace {

net::http_client_response fetch(net::io_runtime& io, net::http_client_request request) {
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto future = promise->get_future();
  net::http_fetch(io, std::move(request), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  return future.get();
}

// The attribute `name` of the first tag that has it, unescaped; empty when absent.
std::string attribute(const std::string& xml, const std::string& name) {
  auto at = xml.find(" " + name + "=\"");
  if (at == std::string::npos) return {};
  auto from = at + name.size() + 3;
  auto end = xml.find('"', from);
  if (end == std::string::npos) return {};
  return sim::twilio::unescape_xml(std::string_view(xml).substr(from, end - from));
}

constexpr std::string_view rest_prefix = "/api/laml/2010-04-01/Accounts/";

}  // namespace

signalwire_sim::signalwire_sim(options o)
    : options_(std::move(o)),
      stream_sid_(sim::signalwire::random_uuid()),
      server_(io_, net::http_server_options{"127.0.0.1", 0}),
      handset_(std::make_shared<handset>()) {
  handset_->io = &io_;
  handset_->echo = [this](const std::string& name) {
    if (auto ch = channel()) ch->send_text(sim::signalwire::mark_echo(stream_sid_, name));
  };
  server_.route_prefix("POST", std::string(rest_prefix), [this](net::http_request req, net::responder respond) {
    auto answer = on_rest(req);
    {
      std::lock_guard lock(mutex_);
      rest_.push_back(std::move(req));
    }
    rest_arrived_.notify_all();
    respond(std::move(answer));
  });
}

signalwire_sim::~signalwire_sim() {
  // A close frame, and the handshake let finish before the loop stops, so that the gateway's side
  // does not wait out its close timeout.
  if (auto ch = channel()) {
    ch->close("test over");
    received_->wait_closed(std::chrono::seconds(1));
  }
  handset_->stop();
  server_.stop();
  io_.stop();
  std::lock_guard lock(mutex_);
  channel_.reset();  // the socket's sink holds the handset, whose echo reaches the channel
}

std::string signalwire_sim::start() {
  auto err = server_.start();
  if (err.empty()) io_.start();
  return err;
}

std::string signalwire_sim::space_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

net::http_client_response signalwire_sim::post_form(const std::string& target, const net::param_list& form,
                                                    signing how) {
  net::http_client_request req;
  req.method = "POST";
  req.url = gateway_ + target;
  req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  auto url = options_.public_url + target;
  if (how == signing::with_port_443) {
    auto host_end = url.find('/', url.find("://") + 3);
    url.insert(host_end == std::string::npos ? url.size() : host_end, ":443");
  }
  auto signature = net::twilio::compute_signature(options_.signing_key, url, form);
  if (how == signing::twilio_alias)
    req.headers.emplace_back("x-twilio-signature", signature);
  else if (how != signing::none)
    req.headers.emplace_back("x-signalwire-signature", signature);
  req.body = net::encode_form(form);
  return fetch(io_, std::move(req));
}

net::http_client_response signalwire_sim::post_voice_webhook(const std::string& call_sid, const std::string& query,
                                                             signing how) {
  return post_form("/signalwire/voice" + (query.empty() ? "" : "?" + query),
                   sim::signalwire::voice_webhook_form(call_sid), how);
}

sim::twilio::stream_instruction signalwire_sim::read_answer(const std::string& cxml, std::string* refusal) {
  auto refuse = [&](std::string why) {
    if (refusal) *refusal = std::move(why);
    return sim::twilio::stream_instruction{};
  };
  status_callback_.clear();
  std::string why;
  auto stream = sim::signalwire::read_cxml_answer(cxml, why);
  if (!stream) return refuse(why);
  status_callback_ = attribute(cxml, "statusCallback");
  if (refusal) refusal->clear();
  return *stream;
}

net::http_client_response signalwire_sim::post_stream_status(const std::string& call_sid, const std::string& event,
                                                             const std::string& error) {
  if (status_callback_.rfind(options_.public_url + "/", 0) != 0) {
    net::http_client_response none;
    none.error = "no statusCallback on the public URL: '" + status_callback_ + "'";
    return none;
  }
  return post_form(status_callback_.substr(options_.public_url.size()),
                   sim::signalwire::stream_status_form(call_sid, stream_sid_, event, error));
}

std::string signalwire_sim::open_media(const sim::twilio::stream_instruction& stream) {
  auto u = net::parse_url(stream.url);
  if (!u) return "bad stream url";
  net::ws_connect_options o;
  o.url = "ws://" + gateway_.substr(gateway_.find("://") + 3) + std::string(u->path());
  auto sink = std::make_shared<queue_sink>(
      received_, [h = handset_, stray = stray_, sid = stream_sid_](const std::string& frame) {
        rapidjson::Document d;
        d.Parse(frame.c_str());
        if (d.HasParseError() || !d.IsObject() || !d.HasMember("event") || !d["event"].IsString()) return;
        if (!d.HasMember("streamSid") || !d["streamSid"].IsString() || sid != d["streamSid"].GetString()) {
          ++*stray;
          return;
        }
        std::string_view event = d["event"].GetString();
        if (event == "media" && d.HasMember("media") && d["media"].IsObject() && d["media"].HasMember("payload") &&
            d["media"]["payload"].IsString())
          h->on_media(codecs::base64::decode(d["media"]["payload"].GetString()).value_or("").size());
        if (event == "mark" && d.HasMember("mark") && d["mark"].IsObject() && d["mark"].HasMember("name") &&
            d["mark"]["name"].IsString())
          h->on_mark(d["mark"]["name"].GetString());
        if (event == "clear") h->on_clear();
      });
  auto promise = std::make_shared<std::promise<std::string>>();
  auto future = promise->get_future();
  net::ws_connect(io_, std::move(o), std::move(sink), [this, promise](net::ws_channel_ptr ch, std::string error) {
    {
      std::lock_guard lock(mutex_);
      channel_ = std::move(ch);
    }
    promise->set_value(std::move(error));
  });
  return future.get();
}

net::ws_channel_ptr signalwire_sim::channel() const {
  std::lock_guard lock(mutex_);
  return channel_;
}

void signalwire_sim::send(std::string frame) {
  if (auto ch = channel()) ch->send_text(std::move(frame));
}

void signalwire_sim::send_connected() { send(sim::signalwire::connected_message()); }

void signalwire_sim::send_start(const std::string& call_sid, const net::param_list& custom_parameters) {
  send(sim::signalwire::start_message(stream_sid_, call_sid, custom_parameters));
}

void signalwire_sim::send_media(const std::string& raw_mulaw) {
  send(sim::signalwire::media_message(++sequence_, ++chunk_, raw_mulaw));
}

void signalwire_sim::send_dtmf(const std::string& digit) {
  send(sim::signalwire::dtmf_message(stream_sid_, ++sequence_, digit));
}

void signalwire_sim::send_stop() { send(sim::signalwire::stop_message(++sequence_)); }

void signalwire_sim::hang_up_socket() {
  if (auto ch = channel()) ch->close("caller hung up");
}

std::chrono::milliseconds signalwire_sim::played() const { return handset_->played(); }

// The Compatibility API's call update, on the sim's loop.
net::http_response signalwire_sim::on_rest(const net::http_request& req) {
  auto json = [](unsigned status, std::string body) {
    net::http_response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    return r;
  };
  auto expected = "Basic " + codecs::base64::encode(options_.project_id + ":" + options_.api_token);
  if (net::header_or(req.headers, "authorization") != expected)
    return json(401, R"({"code":"401","message":"Unauthorized","status":401})");
  auto prefix = std::string(rest_prefix) + options_.project_id + "/Calls/";
  auto path = std::string(req.path());
  if (path.rfind(prefix, 0) != 0) return json(404, R"({"code":"20404","message":"Not Found","status":404})");
  auto sid = path.substr(prefix.size());
  if (sid.size() > 5 && sid.compare(sid.size() - 5, 5, ".json") == 0) sid.resize(sid.size() - 5);
  auto form = net::parse_form(req.body).value_or(net::param_list{});
  const auto* status = net::find_param(form, "Status");
  if (status && *status == "completed") {
    if (auto ch = channel()) {
      ch->send_text(sim::signalwire::stop_message(++sequence_));
      ch->close("call completed");
    }
  }
  return json(200, R"({"sid":)" + net::json::quote(sid) + R"(,"account_sid":)" + net::json::quote(options_.project_id) +
                       R"(,"status":)" + net::json::quote(status ? *status : "in-progress") + "}");
}

std::vector<net::http_request> signalwire_sim::rest_requests() const {
  std::lock_guard lock(mutex_);
  return rest_;
}

bool signalwire_sim::wait_rest_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return rest_arrived_.wait_for(lock, timeout, [&] { return rest_.size() >= n; });
}

}  // namespace voxgate::sim
