#include "tests/fakes/tls_peer.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <stdexcept>
#include <thread>

namespace voxgate::fakes {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct test_ca::key_pair {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> owned_key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> owned_cert{nullptr, X509_free};
  EVP_PKEY* key() const { return owned_key.get(); }
  X509* cert() const { return owned_cert.get(); }
};

namespace {

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("cannot make extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key`, signed by `issuer` (or by itself when there is none).
test_ca::key_pair make_pair(const std::string& name, bool is_ca, const cert_options& o,
                            const test_ca::key_pair* issuer) {
  static std::atomic<long> serial{1};
  test_ca::key_pair p;
  p.owned_key.reset(EVP_EC_gen("P-256"));  // fast to make, unlike RSA
  p.owned_cert.reset(X509_new());
  X509* cert = p.cert();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), std::chrono::seconds(o.valid_from).count());
  X509_gmtime_adj(X509_getm_notAfter(cert), std::chrono::seconds(o.valid_until).count());
  X509_set_pubkey(cert, p.key());
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer->cert()) : subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert() : cert, cert, nullptr, nullptr, 0);
  add_extension(cert, &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (is_ca)
    add_extension(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  else
    add_extension(cert, &ctx, NID_subject_alt_name, "DNS:" + name + ",IP:127.0.0.1");
  X509_sign(cert, issuer ? issuer->key() : p.key(), EVP_sha256());
  return p;
}

pem_files write(const test_ca::key_pair& p, const std::filesystem::path& dir, const std::string& stem) {
  pem_files f{(dir / (stem + ".pem")).string(), (dir / (stem + ".key")).string()};
  BIO* cert = BIO_new_file(f.cert.c_str(), "w");
  BIO* key = BIO_new_file(f.key.c_str(), "w");
  if (!cert || !key || !PEM_write_bio_X509(cert, p.cert()) ||
      !PEM_write_bio_PrivateKey(key, p.key(), nullptr, nullptr, 0, nullptr, nullptr))
    throw std::runtime_error("cannot write " + f.cert);
  BIO_free(cert);
  BIO_free(key);
  return f;
}

}  // namespace

test_ca::test_ca(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  ca_ = std::make_unique<key_pair>(
      make_pair("VoxGate Test CA", true, cert_options{"", std::chrono::hours(-1), std::chrono::hours(48)}, nullptr));
  cert_file_ = write(*ca_, dir_, "ca").cert;
}

test_ca::~test_ca() = default;

pem_files test_ca::issue(const std::string& stem, const cert_options& options) const {
  return write(make_pair(options.name, false, options, ca_.get()), dir_, stem);
}

pem_files make_self_signed(const std::filesystem::path& dir, const std::string& stem, const cert_options& options) {
  std::filesystem::create_directories(dir);
  return write(make_pair(options.name, false, options, nullptr), dir, stem);
}

struct tls_listener::impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread;
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<std::string> results;

  void accept() {
    acceptor.async_accept([self = this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed
      auto stream = std::make_shared<asio::ssl::stream<tcp::socket>>(std::move(socket), self->ctx);
      stream->async_handshake(asio::ssl::stream_base::server, [self, stream](boost::system::error_code ec) {
        {
          std::lock_guard lock(self->mutex);
          self->results.push_back(ec ? ec.message() : "ok");
        }
        self->changed.notify_all();
        boost::system::error_code ignored;
        stream->lowest_layer().close(ignored);
      });
      self->accept();
    });
  }
};

tls_listener::tls_listener(const pem_files& cert) : impl_(std::make_unique<impl>()) {
  impl_->ctx.use_certificate_chain_file(cert.cert);
  impl_->ctx.use_private_key_file(cert.key, asio::ssl::context::pem);
  impl_->accept();
  impl_->thread = std::thread([i = impl_.get()] { i->ioc.run(); });
}

// Handlers hold the impl by pointer: it outlives them, since the thread is joined before it goes.
tls_listener::~tls_listener() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::uint16_t tls_listener::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<std::string> tls_listener::wait_handshakes(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->results.size() >= n; });
  return impl_->results;
}

}  // namespace voxgate::fakes
