#include "tools/sim/exotel.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <future>

#include "codecs/base64.hpp"
#include "net/json.hpp"
#include "net/ws_client.hpp"
#include "tools/sim/exotel_caller.hpp"

namespace voxgate::sim {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t packet_bytes = 320;      // Exotel's 20 ms packet
constexpr std::size_t min_chunk_bytes = 3200;  // its shortest chunk without jitter gaps
constexpr std::size_t max_chunk_bytes = 100 * 1024;

}  // namespace

exotel_call::exotel_call(exotel_options options) : options_(std::move(options)), thread_([this] { run(); }) {
  io_.start();
}

exotel_call::~exotel_call() {
  if (*channel_) {
    {
      std::lock_guard lock(mutex_);
      we_closed_ = we_closed_ || !received_->closed();
    }
    (*channel_)->close("test over");
    received_->wait_closed(1s);
  }
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();  // nothing is sent into a loop that has stopped
  io_.stop();
  channel_->reset();  // the socket's sink holds this object's frames handler: break the cycle
}

net::http_client_response exotel_call::dial(const std::string& call_sid, const std::string& query) {
  call_sid_ = call_sid;
  auto details = exotel::dial_query(call_sid, options_.from, options_.to);
  net::http_client_request req;
  req.url = options_.gateway + "/exotel/voice?" + (query.empty() ? "" : query + "&") + net::encode_form(details);
  if (!options_.credentials.empty())
    req.headers.emplace_back("authorization", "Basic " + codecs::base64::encode(options_.credentials));
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto answer = promise->get_future();
  net::http_fetch(io_, std::move(req), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  auto r = answer.get();
  rapidjson::Document d;
  if (r.ok() && net::json::parse(d, r.body).empty() && d.IsObject())
    stream_url_ = std::string(net::json::string_or(d, "url"));
  return r;
}

std::string exotel_call::open_stream(std::optional<std::string> authorization, std::string url) {
  auto [credentials, bare] = exotel::split_user_info(url.empty() ? stream_url_ : url);
  auto u = net::parse_url(bare);
  if (!u) return "not a URL: " + bare;
  auto params = net::parse_form(u->query()).value_or(net::param_list{});
  if (const auto* rate = net::find_param(params, "sample-rate"))
    std::from_chars(rate->data(), rate->data() + rate->size(), rate_);
  net::ws_connect_options o;
  o.url = "ws://" + options_.gateway.substr(options_.gateway.find("://") + 3) + u->target;
  if (!authorization && !credentials.empty()) authorization = "Basic " + codecs::base64::encode(credentials);
  if (authorization && !authorization->empty()) o.headers.emplace_back("authorization", *authorization);
  auto sink = std::make_shared<queue_sink>(received_, [this](const std::string& f) { on_frame(f); });
  auto promise = std::make_shared<std::promise<std::string>>();
  auto done = promise->get_future();
  net::ws_connect(io_, std::move(o), sink, [channel = channel_, promise](net::ws_channel_ptr ch, std::string error) {
    *channel = std::move(ch);
    promise->set_value(std::move(error));
  });
  return done.get();
}

void exotel_call::send(std::string frame) {
  if (*channel_) (*channel_)->send_text(std::move(frame));
}

void exotel_call::send_connected() { send(exotel::connected_message()); }

void exotel_call::send_start() {
  std::lock_guard lock(mutex_);
  send(exotel::start_message(++sequence_, stream_sid_, call_sid_, exotel::custom_parameters(stream_url_), rate_,
                             options_.integer_numbers, options_.from, options_.to));
}

void exotel_call::speak(const std::string& pcm) {
  std::size_t step = rate_ / 10 * 2;  // 100 ms of PCM16
  {
    std::lock_guard lock(mutex_);
    next_speak_ = std::max(next_speak_, clock::now());
    for (std::size_t at = 0; at < pcm.size(); at += step, next_speak_ += 100ms)
      outgoing_.emplace_back(next_speak_, pcm.substr(at, step));
  }
  wake_.notify_all();
}

void exotel_call::send_dtmf(char digit, unsigned duration_ms) {
  std::lock_guard lock(mutex_);
  send(exotel::dtmf_message(++sequence_, stream_sid_, digit, duration_ms, options_.integer_numbers));
}

void exotel_call::hang_up(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    send(exotel::stop_message(++sequence_, stream_sid_, call_sid_, reason, options_.integer_numbers));
  }
  close_socket();
}

void exotel_call::close_socket() {
  {
    std::lock_guard lock(mutex_);
    outgoing_.clear();
    we_closed_ = true;
  }
  if (*channel_) (*channel_)->close("caller hung up");
}

bool exotel_call::closed_by_gateway() const {
  std::lock_guard lock(mutex_);
  return received_->closed() && !we_closed_;
}

bool exotel_call::speaking() const {
  std::lock_guard lock(mutex_);
  return !outgoing_.empty();
}

exotel_playback exotel_call::playback() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void exotel_call::settle(clock::time_point now) {
  while (!playing_.empty() && playing_.front().end <= now) {
    played_ += std::chrono::duration_cast<std::chrono::milliseconds>(playing_.front().end - playing_.front().start);
    playing_.pop_front();
  }
}

std::chrono::milliseconds exotel_call::played() const {
  std::lock_guard lock(mutex_);
  auto now = clock::now();
  auto heard = played_;
  for (const auto& c : playing_)
    if (c.start < now) heard += std::chrono::duration_cast<std::chrono::milliseconds>(std::min(now, c.end) - c.start);
  return heard;
}

std::chrono::milliseconds exotel_call::queued() const {
  std::lock_guard lock(mutex_);
  auto left = play_end_ - clock::now();
  return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(left));
}

// On the socket's I/O thread: the gateway's media, mark and clear, played against the wall clock.
void exotel_call::on_frame(const std::string& frame) {
  rapidjson::Document d;
  if (!net::json::parse(d, frame).empty() || !d.IsObject()) return;
  auto event = net::json::string_or(d, "event");
  auto sid = net::json::string_or(d, "stream_sid", net::json::string_or(d, "streamSid", stream_sid_));
  std::unique_lock lock(mutex_);
  auto now = clock::now();
  settle(now);
  if (sid != stream_sid_) ++stats_.foreign_stream;
  if (event == "media") {
    const auto* media = net::json::member(d, "media");
    auto audio = codecs::base64::decode(media ? net::json::string_or(*media, "payload") : "");
    if (!audio || audio->size() % 2) {
      ++stats_.bad_payloads;
      return;
    }
    auto n = audio->size();
    stats_.smallest = stats_.chunks == 0 ? n : std::min(stats_.smallest, n);
    stats_.largest = std::max(stats_.largest, n);
    ++stats_.chunks;
    stats_.bytes += n;
    stats_.misaligned += n % packet_bytes != 0;
    stats_.short_chunks += n < min_chunk_bytes;
    stats_.oversize += n > max_chunk_bytes;
    auto start = std::max(play_end_, now);
    play_end_ = start + std::chrono::microseconds(n * 1000000 / (rate_ * 2));
    playing_.push_back({start, play_end_});
  } else if (event == "mark") {
    const auto* mark = net::json::member(d, "mark");
    marks_.emplace_back(std::max(play_end_, now), std::string(mark ? net::json::string_or(*mark, "name") : ""));
  } else if (event == "clear") {
    ++stats_.clears;
    // The chunk under way finishes; what has not started is dropped.
    while (!playing_.empty() && playing_.back().start > now) {
      stats_.cleared +=
          std::chrono::duration_cast<std::chrono::milliseconds>(playing_.back().end - playing_.back().start);
      playing_.pop_back();
    }
    play_end_ = playing_.empty() ? now : playing_.back().end;
    // Marks behind the dropped audio: echoed once the chunk under way ends (in order), or dropped.
    auto behind = std::find_if(marks_.begin(), marks_.end(), [&](const auto& m) { return m.first > play_end_; });
    for (auto it = behind; it != marks_.end(); ++it) it->first = play_end_;
    if (!options_.echo_marks_on_clear) {
      stats_.marks_dropped += static_cast<std::size_t>(marks_.end() - behind);
      marks_.erase(behind, marks_.end());
    }
  }
  lock.unlock();
  wake_.notify_all();
}

// The sim's one timer thread: caller audio when due, marks once played.
void exotel_call::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    auto now = clock::now();
    if (!outgoing_.empty() && outgoing_.front().first <= now) {
      auto pcm = std::move(outgoing_.front().second);
      outgoing_.pop_front();
      auto chunk = ++chunk_;
      send(exotel::media_message(++sequence_, stream_sid_, chunk, chunk * 100, pcm, options_.integer_numbers));
      continue;
    }
    if (!marks_.empty() && marks_.front().first <= now) {
      auto name = std::move(marks_.front().second);
      marks_.pop_front();
      ++stats_.marks_echoed;
      send(exotel::mark_echo(++sequence_, stream_sid_, name, options_.integer_numbers));
      continue;
    }
    auto due = clock::time_point::max();
    if (!outgoing_.empty()) due = outgoing_.front().first;
    if (!marks_.empty()) due = std::min(due, marks_.front().first);
    if (due == clock::time_point::max())
      wake_.wait(lock);
    else
      wake_.wait_until(lock, due);
  }
}

}  // namespace voxgate::sim
