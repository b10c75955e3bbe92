// Blocking, step-by-step client operations for `voxgate probe`: each step (DNS, TCP, TLS, an HTTP
// request, a WebSocket upgrade, frames) runs alone and reports what happened, so a failure names
// the layer it happened in. Not for the gateway's own traffic, which is asynchronous.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/headers.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "tools/sim/caller.hpp"

namespace voxgate::tools {

// Every webhook VoxGate's own tools send carries sim::simulated_header with the tool's name ("probe",
// "call", "load"), so the gateway can tell their calls from real ones.
using sim::simulated_header;

struct probe_step {
  bool ok = false;
  std::string detail;  // what was found (addresses, certificate, status) or what went wrong
  std::chrono::milliseconds took{0};
  bool plain_http = false;  // a TLS handshake met a server that answered in plain text (an http:// one)
};

struct probe_http_response {
  unsigned status = 0;
  net::header_list headers;
  std::string body;
};

class probe_client {
 public:
  // `connect_to` ("host:port") replaces where TCP connects, keeping the URL's name for TLS and Host.
  probe_client(net::url target, net::tls_settings tls, std::string connect_to = {});
  ~probe_client();

  probe_step resolve();
  probe_step connect();
  probe_step tls_handshake();  // no-op success for http/ws
  // One request on a fresh connection.
  probe_step http(const std::string& method, const std::string& target, const net::header_list& headers,
                  const std::string& body, probe_http_response& out);
  // Upgrade on a fresh connection; on anything but 101 `out` holds what came back instead.
  probe_step upgrade(const std::string& target, const net::header_list& headers, probe_http_response& out);
  // A plain TCP connection to `port` on the host this client connects to, carrying frames that
  // `frame_size` cuts from the byte stream (sim::caller::frame_size): read() then returns whole
  // frames (as binary), and send() writes each whole in one write.
  using frame_cutter = std::function<std::size_t(std::string_view)>;
  probe_step open_tcp(std::uint16_t port, frame_cutter frame_size);
  // Shuts the sending side of the media socket (a TCP caller's hang-up); reading goes on.
  void shutdown_send();
  void send_text(const std::string& text);
  void send(const std::string& data, bool binary);
  // The next text frame within `timeout`, or nothing (timeout or closed; `closed` says which).
  std::optional<std::string> read_text(std::chrono::milliseconds timeout, bool* closed = nullptr);
  // The same for a frame of either kind; `binary` says which it is.
  std::optional<std::string> read(std::chrono::milliseconds timeout, bool* closed, bool* binary);
  void close();

  const std::vector<std::string>& addresses() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::tools
