// Certificates made in-process with OpenSSL for TLS tests (a test CA, leaves it issues, self-signed
// ones, any validity window), and a TLS listener on 127.0.0.1 that records how each handshake ended.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace voxgate::fakes {

struct pem_files {
  std::string cert;
  std::string key;
};

struct cert_options {
  std::string name = "localhost";     // the subject's CN and its one DNS name; 127.0.0.1 is always in the SAN
  std::chrono::hours valid_from{-1};  // relative to now
  std::chrono::hours valid_until{24};
};

// A CA whose certificate is written to `dir`: what TLS_CA_FILE names in a test.
class test_ca {
 public:
  explicit test_ca(std::filesystem::path dir);
  ~test_ca();
  test_ca(const test_ca&) = delete;
  test_ca& operator=(const test_ca&) = delete;

  const std::string& cert_file() const { return cert_file_; }
  // A leaf certificate signed by this CA, written as `<stem>.pem` and `<stem>.key` in the CA's dir.
  pem_files issue(const std::string& stem, const cert_options& options) const;

  struct key_pair;

 private:
  std::filesystem::path dir_;
  std::string cert_file_;
  std::unique_ptr<key_pair> ca_;
};

// A leaf certificate that signs itself (no CA will vouch for it).
pem_files make_self_signed(const std::filesystem::path& dir, const std::string& stem, const cert_options& options);

// Accepts TLS connections on 127.0.0.1 and runs the server side of each handshake; a client that
// refuses the certificate ends it with an alert, which is recorded. Nothing is served after it.
class tls_listener {
 public:
  explicit tls_listener(const pem_files& cert);
  ~tls_listener();
  std::uint16_t port() const;
  // Waits until `n` handshakes ended; their results ("ok" or the server's error text), in order.
  std::vector<std::string> wait_handshakes(std::size_t n, std::chrono::milliseconds timeout) const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace voxgate::fakes
