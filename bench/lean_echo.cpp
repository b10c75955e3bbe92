// A media echo cheap enough to stay out of the way of what it measures. One thread and one
// level-triggered epoll set, like bench/loopback_floor, speaking two things:
// - what the load tool speaks (so `voxgate load` can be measured alone at a thousand calls and more,
//   and the bare relay has its peer): a webhook POST gets TwiML naming ws://<Host>/raw, the upgrade
//   gets its 101, and every client text frame holding "event":"media" goes back as a server frame
//   (the same text, unmasked). Marks, stop and the rest are read and dropped;
// - on /v1/realtime, the OpenAI Realtime echo of tools/sim/realtime_echo (session.created on open,
//   session.updated for session.update, a response.output_audio.delta for every append), so the
//   capacity bench's gateway meets a peer as cheap as the floor's, not a Beast server that costs the
//   drivers' core what the gateway's own core is being measured on.
// A close is answered and the socket shut. Bench-only: no limits beyond a 16 KiB request head, and it
// expects the load tool's and the gateway's frames (final, masked, unfragmented).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/headers.hpp"
#include "net/ws_frame.hpp"
#include "tools/load/poller.hpp"
#include "tools/sim/realtime_echo.hpp"

namespace {

using voxgate::tools::poller;
namespace realtime_echo = voxgate::sim::realtime_echo;

struct connection {
  int fd = -1;
  bool upgraded = false;
  bool realtime = false;  // upgraded on /v1/realtime: the Realtime echo, not the media echo
  bool closing = false;  // shut once what waits in `out` is sent
  bool watching_writes = false;
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(16 * 1024);
  std::size_t in_len = 0;
  std::string out;
  std::size_t out_sent = 0;
};

class lean_echo {
 public:
  int run(std::uint16_t port) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || listen(listener_, 4096) != 0) {
      std::perror("lean_echo: listen");
      return 2;
    }
    poller_.watch(listener_, listener_tag, false);
    std::printf("lean_echo listening on 127.0.0.1:%u\n", port);
    std::fflush(stdout);
    for (;;)
      for (const auto& e : poller_.wait(std::chrono::seconds(1))) {
        if (e.tag == listener_tag) {
          accept_all();
          continue;
        }
        auto found = connections_.find(static_cast<int>(e.tag));
        if (found == connections_.end()) continue;
        connection& c = *found->second;
        if (e.writable) flush(c);
        if (e.readable && c.fd >= 0) read(c);
        if (c.fd < 0) connections_.erase(found);
      }
  }

 private:
  static constexpr std::uint64_t listener_tag = ~std::uint64_t{0};

  void accept_all() {
    for (;;) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      auto c = std::make_unique<connection>();
      c->fd = fd;
      poller_.watch(fd, static_cast<std::uint64_t>(fd), false);
      connections_[fd] = std::move(c);
    }
  }

  void read(connection& c) {
    if (c.in_len == c.in.size()) return shut(c);  // a request head or frame larger than the buffer
    ssize_t n = recv(c.fd, c.in.data() + c.in_len, c.in.size() - c.in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) return shut(c);
    c.in_len += static_cast<std::size_t>(n);
    for (;;) {  // a second pass when frames came in with the upgrade request
      bool was_upgraded = c.upgraded;
      std::size_t used = was_upgraded ? echo_frames(c) : answer_request(c);
      if (c.fd < 0) return;
      std::memmove(c.in.data(), c.in.data() + used, c.in_len - used);
      c.in_len -= used;
      if (was_upgraded || !c.upgraded || c.in_len == 0) break;
    }
    flush(c);
  }

  // A webhook POST or the media upgrade; returns the bytes it used (0 until the request is whole).
  std::size_t answer_request(connection& c) {
    std::string_view text(reinterpret_cast<const char*>(c.in.data()), c.in_len);
    auto head_end = text.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return 0;
    auto head = text.substr(0, head_end);
    if (head.starts_with("GET ")) {
      c.out +=
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
          voxgate::net::ws::accept_key(voxgate::net::header_in_head(head, "Sec-WebSocket-Key")) + "\r\n\r\n";
      c.upgraded = true;
      c.realtime = head.substr(4).starts_with("/v1/realtime");
      if (c.realtime) append_server_frame(c.out, realtime_echo::session_created);
      return head_end + 4;
    }
    auto length = voxgate::net::header_in_head(head, "Content-Length");
    std::size_t body = length.empty() ? 0 : static_cast<std::size_t>(std::atol(std::string(length).c_str()));
    if (text.size() < head_end + 4 + body) return 0;
    std::string twiml = R"(<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://)" +
                        std::string(voxgate::net::header_in_head(head, "Host")) + R"(/raw"/></Connect></Response>)";
    c.out += "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\nContent-Length: " +
             std::to_string(twiml.size()) + "\r\n\r\n" + twiml;
    c.closing = true;
    return head_end + 4 + body;
  }

  // Echoes whole client frames from the front of c.in; returns the bytes they took.
  std::size_t echo_frames(connection& c) {
    std::size_t at = 0;
    while (c.in_len - at >= 6) {
      const std::uint8_t* p = c.in.data() + at;
      auto op = static_cast<voxgate::net::ws::opcode>(p[0] & 0x0f);
      std::size_t len = p[1] & 0x7f, header = 2;
      if (len == 126) {
        if (c.in_len - at < 8) break;
        len = (std::size_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (len == 127) {
        shut(c);  // no media frame is that large
        return 0;
      }
      if (c.in_len - at < header + 4 + len) break;
      if (op == voxgate::net::ws::opcode::close) {
        c.out += std::string("\x88\x00", 2);
        c.closing = true;
        return c.in_len;
      }
      if (op == voxgate::net::ws::opcode::text && c.realtime)
        answer_realtime(c.out, p + header + 4, p + header, len);
      else if (op == voxgate::net::ws::opcode::text)
        echo_if_media(c.out, p + header + 4, p + header, len);
      at += header + 4 + len;
    }
    return at;
  }

  // Answers one Realtime client event: the delta that echoes an append, session.updated for
  // session.update, nothing for the rest.
  void answer_realtime(std::string& out, const std::uint8_t* masked, const std::uint8_t* mask, std::size_t len) {
    event_.resize(len);
    for (std::size_t i = 0; i < len; ++i) event_[i] = static_cast<char>(masked[i] ^ mask[i & 3]);
    reply_.clear();
    if (realtime_echo::append_echo(event_, reply_))
      append_server_frame(out, reply_);
    else if (realtime_echo::field(event_, "type") == "session.update")
      append_server_frame(out, realtime_echo::session_updated);
  }

  static void append_server_frame(std::string& out, std::string_view text) {
    out.push_back(static_cast<char>(0x81));
    if (text.size() < 126) {
      out.push_back(static_cast<char>(text.size()));
    } else {
      out.push_back(static_cast<char>(126));
      out.push_back(static_cast<char>(text.size() >> 8));
      out.push_back(static_cast<char>(text.size() & 0xff));
    }
    out.append(text);
  }

  // Appends the frame's text, unmasked, as a server frame, and takes it back unless it is media.
  static void echo_if_media(std::string& out, const std::uint8_t* masked, const std::uint8_t* mask, std::size_t len) {
    std::size_t frame_start = out.size();
    out.push_back(static_cast<char>(0x81));
    if (len < 126) {
      out.push_back(static_cast<char>(len));
    } else {
      out.push_back(static_cast<char>(126));
      out.push_back(static_cast<char>(len >> 8));
      out.push_back(static_cast<char>(len & 0xff));
    }
    std::size_t text_start = out.size();
    out.resize(text_start + len);
    for (std::size_t i = 0; i < len; ++i) out[text_start + i] = static_cast<char>(masked[i] ^ mask[i & 3]);
    if (std::string_view(out).substr(text_start).find(R"("event":"media")") == std::string_view::npos)
      out.resize(frame_start);
  }

  void flush(connection& c) {
    if (c.out_sent < c.out.size()) {
      ssize_t n = send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) return shut(c);
      if (n > 0) c.out_sent += static_cast<std::size_t>(n);
    }
    bool waiting = c.out_sent < c.out.size();
    if (!waiting) {
      c.out.clear();
      c.out_sent = 0;
      if (c.closing) return shut(c);
    }
    if (waiting != c.watching_writes) {
      c.watching_writes = waiting;
      poller_.change(c.fd, static_cast<std::uint64_t>(c.fd), waiting);
    }
  }

  void shut(connection& c) {
    close(c.fd);
    c.fd = -1;
  }

  std::string event_, reply_;  // one Realtime event unmasked, and its answer
  poller poller_;
  int listener_ = -1;
  std::unordered_map<int, std::unique_ptr<connection>> connections_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::fprintf(
        stderr,
        "usage: lean_echo PORT\n  a webhook POST gets TwiML naming ws://<Host>/raw; media frames there are echoed;\n"
        "  /v1/realtime answers as an OpenAI Realtime echo\n");
    return 2;
  }
  lean_echo echo;
  return echo.run(static_cast<std::uint16_t>(std::atoi(argv[1])));
}
