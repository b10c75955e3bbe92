// Outbound TLS is verified: a certificate signed by a trusted CA with the right name connects; an
// untrusted one, or one for another name, does not. Certificates are made with openssl at test time.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "net/io_runtime.hpp"
#include "net/ws_client.hpp"
#include "tests/fakes/frame_queue.hpp"

using namespace voxgate;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

struct certificate {
  std::string cert, key;
};

certificate make_certificate(const std::filesystem::path& dir, const std::string& name, const std::string& san) {
  certificate c{(dir / (name + ".pem")).string(), (dir / (name + ".key")).string()};
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + name +
                    " -addext subjectAltName=" + san + " -keyout " + c.key + " -out " + c.cert + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed (scripts/bootstrap.sh installs it)";
  return c;
}

// A one-connection TLS WebSocket echo server on 127.0.0.1.
class tls_echo_server {
 public:
  explicit tls_echo_server(const certificate& c)
      : ctx_(asio::ssl::context::tls_server), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    ctx_.use_certificate_chain_file(c.cert);
    ctx_.use_private_key_file(c.key, asio::ssl::context::pem);
    thread_ = std::thread([this] {
      try {
        asio::ip::tcp::socket socket(ioc_);
        acceptor_.accept(socket);
        beast::websocket::stream<beast::ssl_stream<asio::ip::tcp::socket>> ws(std::move(socket), ctx_);
        ws.next_layer().handshake(asio::ssl::stream_base::server);
        ws.accept();
        beast::flat_buffer buffer;
        ws.read(buffer);
        ws.text(true);
        ws.write(buffer.data());
        ws.read(buffer);  // until the client closes
      } catch (const std::exception&) {
        // a refused handshake ends here: that is the point of some tests
      }
    });
  }
  ~tls_echo_server() {
    // A client that never came (its connect failed before reaching us) leaves the thread in a
    // blocking accept, which closing the acceptor does not wake: one connection that closes at once
    // lets it end, so the test fails with its own message instead of hanging until ctest's timeout.
    beast::error_code ec;
    asio::io_context wake_ioc;
    asio::ip::tcp::socket wake(wake_ioc);
    wake.connect(acceptor_.local_endpoint(), ec);
    wake.close(ec);
    thread_.join();
    acceptor_.close(ec);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context ioc_;
  asio::ssl::context ctx_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

std::string connect(net::io_runtime& io, const std::string& url, const std::string& ca_file,
                    std::shared_ptr<fakes::frame_queue> frames, net::ws_channel_ptr* out = nullptr) {
  std::promise<std::string> result;
  net::ws_connect_options o;
  o.url = url;
  o.tls.ca_file = ca_file;
  o.timeout = 5000ms;
  net::ws_connect(io, o, std::make_shared<fakes::queue_sink>(frames), [&](net::ws_channel_ptr c, std::string e) {
    if (out) *out = c;
    result.set_value(c ? "" : e);
  });
  return result.get_future().get();
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("voxgate-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    io.start();
  }
  void TearDown() override {
    io.stop();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  net::io_runtime io{1};
};

}  // namespace

TEST_F(Tls, TrustedCertificateWithTheRightNameConnects) {
  auto cert = make_certificate(dir, "localhost", "DNS:localhost,IP:127.0.0.1");
  tls_echo_server server(cert);
  auto frames = std::make_shared<fakes::frame_queue>();
  net::ws_channel_ptr channel;
  ASSERT_EQ(connect(io, "wss://localhost:" + std::to_string(server.port()) + "/", cert.cert, frames, &channel), "");
  std::string big(60 * 1024, 't');  // larger than a TLS record: our frame spans several
  channel->send_text(big);
  EXPECT_TRUE(frames->wait_for([&](const std::string& f) { return f == big; }, 5s));
  channel->close("done");  // the close handshake over TLS: Beast's server answers, and we end
  ASSERT_TRUE(frames->wait_closed(5s));
  EXPECT_EQ(frames->close_reason(), "done");
}

TEST_F(Tls, UntrustedCertificateIsRefused) {
  auto cert = make_certificate(dir, "localhost", "DNS:localhost");
  tls_echo_server server(cert);
  auto error =
      connect(io, "wss://localhost:" + std::to_string(server.port()) + "/", "", std::make_shared<fakes::frame_queue>());
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
}

TEST_F(Tls, CertificateForAnotherNameIsRefused) {
  auto cert = make_certificate(dir, "elsewhere.example", "DNS:elsewhere.example");
  tls_echo_server server(cert);
  auto error = connect(io, "wss://localhost:" + std::to_string(server.port()) + "/", cert.cert,
                       std::make_shared<fakes::frame_queue>());
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
}
