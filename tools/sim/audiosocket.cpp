#include "tools/sim/audiosocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "net/url.hpp"
#include "tools/sim/audiosocket_wire.hpp"

namespace voxgate::sim {

using namespace audiosocket;

audiosocket_call::audiosocket_call(options o) : options_(std::move(o)) { io_.start(); }

audiosocket_call::~audiosocket_call() {
  stop_ = true;
  if (speaker_.joinable()) speaker_.join();
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) ::close(fd_);
  io_.stop();
}

net::http_client_response audiosocket_call::dial(const std::string& from, const std::string& to,
                                                 const std::string& query, std::optional<std::string> authorization) {
  net::http_client_request req;
  req.url = options_.gateway + "/audiosocket/voice?" + net::encode_form({{"from", from}, {"to", to}}) +
            (query.empty() ? "" : "&" + query);
  auto header = authorization.value_or(options_.secret.empty() ? "" : "Bearer " + options_.secret);
  if (!header.empty()) req.headers.emplace_back("Authorization", header);
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto done = promise->get_future();
  net::http_fetch(io_, std::move(req), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  auto res = done.get();
  if (res.status == 200) uuid_ = res.body;
  return res;
}

std::string audiosocket_call::connect_silent() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return "socket() failed";
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.media_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return "connect to 127.0.0.1:" + std::to_string(options_.media_port) + " failed";
  reader_ = std::thread([this] { read_loop(); });
  return {};
}

std::string audiosocket_call::connect(std::optional<std::string> uuid) {
  auto text = uuid.value_or(uuid_);
  auto bytes = uuid_bytes(text);
  if (!bytes) return "not a UUID: \"" + text + "\"";  // AudioSocket() fails before connecting
  if (auto err = connect_silent(); !err.empty()) return err;
  write_frame(tlv(kind_uuid, *bytes));
  return {};
}

void audiosocket_call::send_raw(const std::string& bytes) { write_frame(bytes); }

void audiosocket_call::write_frame(const std::string& frame) {
  std::lock_guard lock(write_mutex_);
  if (fd_ >= 0) (void)::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);  // one write per frame
}

void audiosocket_call::speak(const std::string& s16le) {
  if (speaker_.joinable()) speaker_.join();
  speaking_ = true;
  speaker_ = std::thread([this, audio = s16le] {
    std::size_t frame_bytes = options_.rate / 50 * 2;
    auto kind = options_.rate == 16000 ? kind_slin16 : kind_slin8;
    auto next = std::chrono::steady_clock::now();
    for (std::size_t at = 0; at < audio.size() && !stop_; at += frame_bytes) {
      std::this_thread::sleep_until(next);
      write_frame(tlv(kind, audio.substr(at, frame_bytes)));
      next += std::chrono::milliseconds(20);
    }
    speaking_ = false;
  });
}

void audiosocket_call::send_dtmf(char digit) { write_frame(tlv(kind_dtmf, std::string(1, digit))); }

void audiosocket_call::hang_up() {
  stop_ = true;
  if (speaker_.joinable()) speaker_.join();
  std::lock_guard lock(write_mutex_);
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // a FIN, never a 0x00
}

bool audiosocket_call::read_exact(char* at, std::size_t n) {
  while (n > 0) {
    auto got = ::recv(fd_, at, n, 0);
    if (got <= 0) return false;
    at += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

void audiosocket_call::fail(std::string what) {
  std::lock_guard lock(mutex_);
  if (errors_.size() < 20) errors_.push_back(std::move(what));
}

void audiosocket_call::read_loop() {
  const std::size_t frame_bytes = options_.rate / 50 * 2;
  const auto frame_time = std::chrono::milliseconds(20);
  for (;;) {
    unsigned char header[3];
    if (!read_exact(reinterpret_cast<char*>(header), 3)) break;
    std::size_t length = static_cast<std::size_t>(header[1]) << 8 | header[2];
    // Asterisk gives a frame's missing payload one 5 ms poll, no more.
    if (length > 0) {
      std::string peek(length, '\0');
      auto available = ::recv(fd_, peek.data(), length, MSG_PEEK | MSG_DONTWAIT);
      if (available < static_cast<ssize_t>(length)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        available = ::recv(fd_, peek.data(), length, MSG_PEEK | MSG_DONTWAIT);
        if (available < static_cast<ssize_t>(length)) fail("payload split from its header");
      }
    }
    std::string payload(length, '\0');
    if (!read_exact(payload.data(), length)) break;
    if (header[0] == kind_hangup) {
      std::lock_guard lock(mutex_);
      hangup_frame_ = true;
      ::shutdown(fd_, SHUT_RDWR);  // the app returns and Asterisk closes the socket
      break;
    }
    if (header[0] != kind_slin8 && header[0] != kind_slin16) {
      fail("frame of kind " + std::to_string(header[0]) + " from the gateway (Asterisk drops the call)");
      continue;
    }
    if (length == 0) fail("zero-length audio (Asterisk drops the call)");
    if (length != frame_bytes) fail("audio frame of " + std::to_string(length) + " bytes, not 20 ms");
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    // The far end's jitter buffer: each frame plays 20 ms after the one before, or now if it ran dry.
    buffered_until_ = std::max(buffered_until_, now) + frame_time * static_cast<long>(length / frame_bytes);
    max_ahead_ = std::max(max_ahead_, buffered_until_ - now);
    if (buffered_until_ - now > options_.max_ahead + frame_time && errors_.size() < 20)
      errors_.push_back(
          "audio " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(buffered_until_ - now).count()) +
          " ms ahead of real time");
    audio_.append(payload);
    ++frames_;
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  ended_ = true;
  changed_.notify_all();
}

bool audiosocket_call::wait_ended(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return ended_; });
}

bool audiosocket_call::got_hangup_frame() const {
  std::lock_guard lock(mutex_);
  return hangup_frame_;
}

bool audiosocket_call::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

std::string audiosocket_call::audio() const {
  std::lock_guard lock(mutex_);
  return audio_;
}

std::chrono::milliseconds audiosocket_call::heard() const {
  std::lock_guard lock(mutex_);
  return std::chrono::milliseconds(audio_.size() / (options_.rate / 1000 * 2));
}

std::size_t audiosocket_call::audio_frames() const {
  std::lock_guard lock(mutex_);
  return frames_;
}

std::vector<std::string> audiosocket_call::protocol_errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::chrono::milliseconds audiosocket_call::max_ahead() const {
  std::lock_guard lock(mutex_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(max_ahead_);
}

}  // namespace voxgate::sim
