#include "net/tls_context.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <map>
#include <mutex>

#include "net/log_value.hpp"

namespace voxgate::net {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const tls_settings& settings) {
  // One context per CA file for the whole process: streams never outlive their context.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<boost::asio::ssl::context>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(settings.ca_file); it != cache.end()) return it->second;
  auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  ctx->set_default_verify_paths();
  if (!settings.ca_file.empty()) ctx->load_verify_file(settings.ca_file);
  ctx->set_verify_mode(boost::asio::ssl::verify_peer);
  cache.emplace(settings.ca_file, ctx);
  return ctx;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

namespace {

// The handshake's error says only "certificate verify failed"; an operator needs to know whether the
// peer's certificate expired, names another host or comes from an unknown CA. OpenSSL knows at this
// point, so say it here, once per refused handshake (returning 0 stops the verification).
int log_refused_certificate(int preverified, X509_STORE_CTX* store) {
  if (preverified) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const char* host = ssl ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) : nullptr;
  char subject[256] = "?";
  if (X509* cert = X509_STORE_CTX_get_current_cert(store))
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
  int error = X509_STORE_CTX_get_error(store);
  spdlog::warn("TLS: refused the certificate of {}: {} (depth={} subject={})", host ? host : "an IP address peer",
               X509_verify_cert_error_string(error), X509_STORE_CTX_get_error_depth(store), quoted{subject});
  return 0;
}

}  // namespace

bool prepare_tls_stream(SSL* ssl, const std::string& host) {
  SSL_set_verify(ssl, SSL_VERIFY_PEER, log_refused_certificate);
  if (!is_ip_literal(host) && !SSL_set_tlsext_host_name(ssl, host.c_str())) return false;
  // Hostname (or IP SAN) verification: verify_peer alone checks only the chain.
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (is_ip_literal(host)) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  return SSL_set1_host(ssl, host.c_str()) == 1;
}

}  // namespace voxgate::net
