// One `voxgate load` call's wire: its webhook, the answer read by the provider's caller, the media
// socket's upgrade, and WebSocket frames both ways (or, for a caller whose media is plain TCP, its own
// frames on a plain connection), on a raw non-blocking socket (no Beast, so a thousand calls cost the
// tool little). What is said on it is the caller's (tools/sim/caller.hpp);
// what comes back is played by the call's handset (tools/sim/playback.hpp) and timed by its tracker.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "net/headers.hpp"
#include "net/url.hpp"
#include "tools/load/load_engine.hpp"

namespace voxgate::tools::load {

std::uint32_t engine::next_mask() {
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 17;
  mask_state_ ^= mask_state_ << 5;
  return mask_state_;
}

void engine::on_event(const poller::event& e) {
  auto index = static_cast<std::size_t>(e.tag >> 32);
  if (index >= calls_.size()) return;
  call& c = *calls_[index];
  if (static_cast<std::uint32_t>(e.tag) != c.generation || c.fd < 0) return;  // a socket since closed
  if (c.connecting) {  // done: writable when connected, readable (an error) when refused
    c.connecting = false;
    auto why = connect_error(c.fd);
    const char* what = c.state == phase::webhook ? "webhook" : c.tcp ? "media" : "upgrade";
    if (!why.empty()) return fail(c, std::string(what) + ": connect: " + why);
    if (c.tcp && c.state == phase::upgrading) return start_streaming(c);  // no handshake on plain TCP
    return flush(c);
  }
  if (e.writable) flush(c);
  if (e.readable && c.fd >= 0) on_readable(c);
}

// Opens the call's next socket; what waits in c.out goes once it is connected.
void engine::connect(call& c, const char* what, const tcp_endpoint* to) {
  close_socket(c);
  std::string why;
  c.fd = start_connect(to ? *to : std::string_view(what) == "upgrade" ? media_endpoint_ : endpoint_, why);
  if (c.fd < 0) return fail(c, std::string(what) + ": connect: " + why);
  ++c.generation;
  c.connecting = true;
  c.watching_writes = true;
  c.in_len = 0;
  poller_.watch(c.fd, tag_of(c), true);
}

void engine::close_socket(call& c) {
  if (c.fd < 0) return;
  ::close(c.fd);  // leaves the epoll set with it
  c.fd = -1;
  c.connecting = false;
}

void engine::on_readable(call& c) {
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
void engine::on_http(call& c, bool eof) {
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

void engine::on_webhook_response(call& c, std::string_view head, std::string_view body) {
  auto line = head.substr(0, head.find('\r'));
  if (head.substr(0, 12) != "HTTP/1.1 200")
    return fail(c, "webhook answered " + std::string(line.substr(std::min<std::size_t>(9, line.size()))));
  auto answer = c.caller->read_answer(200, net::header_in_head(head, "content-type"), body);
  if (answer.what == sim::call_answer::kind::pending) {  // the answer comes another way
    close_socket(c);
    c.state = phase::answering;
    return;
  }
  on_answer(c, answer);
}

void engine::on_answer(call& c, const sim::call_answer& a) {
  if (a.what != sim::call_answer::kind::socket) return fail(c, a.why);
  upgrade(c, a.socket);
}

// Opens the media socket the answer named, with the headers its provider sends on the upgrade.
void engine::upgrade(call& c, const sim::media_socket& socket) {
  if (socket.over == sim::media_socket::transport::tcp) {  // the media host, at the caller's port
    c.tcp = true;
    c.state = phase::upgrading;
    c.out.clear();
    c.out_sent = 0;
    tcp_endpoint to = media_endpoint_;
    if (to.address.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(to.address).sin_port = htons(socket.port);
    if (to.address.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6&>(to.address).sin6_port = htons(socket.port);
    return connect(c, "media", &to);
  }
  auto url = net::parse_url(socket.url);
  if (!url) return fail(c, "the stream url does not parse: " + socket.url);
  c.ws_target = url->target;
  c.ws_host = url->host_port();
  c.state = phase::upgrading;
  c.ws_key = net::ws::client_key();
  c.out =
      "GET " + c.ws_target + " HTTP/1.1\r\nHost: " + c.ws_host +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + c.ws_key +
      "\r\n";
  for (const auto& [name, value] : socket.headers) c.out += name + ": " + value + "\r\n";
  c.out += "\r\n";
  c.out_sent = 0;
  connect(c, "upgrade");
}

void engine::on_upgrade_response(call& c, std::string_view head, std::size_t consumed) {
  if (head.substr(0, 12) != "HTTP/1.1 101") {
    auto line = head.substr(0, head.find('\r'));
    return fail(c, "upgrade answered " + std::string(line.substr(std::min<std::size_t>(9, line.size()))));
  }
  if (net::header_in_head(head, "sec-websocket-accept") != net::ws::accept_key(c.ws_key))
    return fail(c, "upgrade: wrong Sec-WebSocket-Accept");
  std::memmove(c.in.data(), c.in.data() + consumed, c.in_len - consumed);
  c.in_len -= consumed;
  start_streaming(c);
}

// The media socket is up (a 101, or a plain TCP connect): the opening frames, then media on the call's slot.
void engine::start_streaming(call& c) {
  --connecting_;
  ++active_;
  ++report_.connected;
  report_.peak_active = std::max(report_.peak_active, active_);
  c.out.clear();
  c.out_sent = 0;
  c.out.reserve(2048);
  for (const auto& f : c.caller->opening()) send(c, f);
  c.state = phase::streaming;
  // Frames go out on this call's slot of the wheel: the first slot visit from now.
  std::uint64_t now = now_us();
  std::uint64_t phase_us = static_cast<std::uint64_t>(c.slot) * 1000;
  c.next_frame_us = (now - now % frame_us) + phase_us;
  if (c.next_frame_us < now) c.next_frame_us += frame_us;
  flush(c);
  on_frames(c);  // anything that arrived with the 101
}

// Queues a frame behind what waits in c.out.
void engine::send(call& c, const sim::provider_frame& f) {
  if (c.tcp) {
    c.out.append(f.data);  // whole frames, as the caller built them
    return;
  }
  net::ws::append_client_frame(c.out, f.binary ? net::ws::opcode::binary : net::ws::opcode::text, f.data, next_mask());
}

void engine::send_frame(call& c, std::uint64_t now) {
  auto at = (c.tracker.frames_sent() * audio_position_tracker::frame_bytes) % audio_.size();
  std::span<const std::uint8_t> mulaw(audio_.data() + at, audio_position_tracker::frame_bytes);
  if (c.tcp) {
    c.caller->append_media(c.out, mulaw);
  } else {
    scratch_.clear();
    bool binary = c.caller->append_media(scratch_, mulaw);
    net::ws::append_client_frame(c.out, binary ? net::ws::opcode::binary : net::ws::opcode::text, scratch_,
                                 next_mask());
  }
  c.tracker.on_sent(now);
  c.next_frame_us += frame_us;
}

// As the provider hangs up: stop, then it closes the socket itself.
void engine::hang_up(call& c) {
  if (auto stop = c.caller->stop(); !stop.data.empty()) send(c, stop);
  if (c.tcp) {  // the caller closes its side; the gateway's close ends the call
    c.shut_when_sent = true;
    return;
  }
  net::ws::append_client_frame(c.out, net::ws::opcode::close, std::string_view("\x03\xe8", 2), next_mask());
}

// Sends what waits in c.out straight away; what the socket cannot take yet goes when it turns writable.
void engine::flush(call& c) {
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
  if (c.shut_when_sent && c.out.empty()) {
    c.shut_when_sent = false;
    ::shutdown(c.fd, SHUT_WR);
  }
  bool waiting = c.out_sent < c.out.size();
  if (waiting != c.watching_writes) {
    c.watching_writes = waiting;
    poller_.change(c.fd, tag_of(c), waiting);
  }
}

void engine::on_frames(call& c) {
  std::size_t at = 0;
  while (c.tcp) {  // whole frames as the caller cuts them from the byte stream
    auto size = c.caller->frame_size(std::string_view(reinterpret_cast<const char*>(c.in.data()) + at, c.in_len - at));
    if (size == 0) break;
    on_message(c, std::string_view(reinterpret_cast<const char*>(c.in.data()) + at, size), true);
    if (c.state == phase::failed) return;
    at += size;
  }
  while (!c.tcp) {
    std::size_t used = 0;
    net::ws::frame_reader::frame f;
    auto s = c.reader.next(c.in.data() + at, c.in_len - at, used, f);
    at += used;
    if (s == net::ws::frame_reader::status::need_more) break;
    if (s == net::ws::frame_reader::status::error) return fail(c, "bad frame from the gateway: " + c.reader.error());
    if (f.op == net::ws::opcode::text || f.op == net::ws::opcode::binary) {
      on_message(c, f.payload, f.op == net::ws::opcode::binary);
      if (c.state == phase::failed) return;
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

void engine::on_message(call& c, std::string_view payload, bool binary) {
  text_.assign(payload);  // parsed in place; the buffer keeps its capacity from message to message
  auto m = c.caller->read(text_, binary);
  auto now = now_us();
  switch (m.what) {
    case sim::gateway_message::kind::invalid:
      return fail(c, "a message from the gateway that " + std::string(c.caller->provider()) + " cannot read");
    case sim::gateway_message::kind::media: {
      auto n = m.payload.size() <= decoded_.size() / 3 * 4 ? c.caller->decode_audio(m.payload, decoded_.data())
                                                           : std::nullopt;
      if (!n) return fail(c, "media payload that is not valid audio");
      c.tracker.on_received(std::span<const std::uint8_t>(decoded_.data(), *n), now, audio_, report_.latency,
                            in_steady() ? &report_.steady_latency : nullptr, &this_second(now));
      c.handset.on_media(*n, time_at(now));
      break;
    }
    case sim::gateway_message::kind::mark:
      // Answered once the audio queued before it has played (at once if none is), as the provider does.
      c.handset.on_mark(std::string(m.name), time_at(now));
      answer_marks(c);
      break;
    case sim::gateway_message::kind::clear: {
      ++report_.clears;
      for (const auto& f : c.caller->cleared(c.handset.on_clear(time_at(now)))) send(c, f);
      break;
    }
    case sim::gateway_message::kind::other:
      break;
  }
}

// The marks whose audio has played by now go out with what this call sends next.
void engine::answer_marks(call& c) {
  if (c.handset.pending_marks() == 0) return;
  c.handset.answer_due(time_at(now_us()), [&](const std::string& name) {
    send(c, c.caller->mark_played(name));
    ++report_.marks_answered;
  });
}

void engine::socket_lost(call& c, const std::string& why) {
  if (c.state == phase::stopping) return finish(c, phase::done, {});
  fail(c, "media socket lost mid-call (" + why + ")");
}

}  // namespace voxgate::tools::load
