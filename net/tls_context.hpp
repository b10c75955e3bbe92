// Private to net/*.cpp: a verifying client SSL context and per-connection SNI + hostname checks.
#pragma once

#include <boost/asio/ssl.hpp>
#include <memory>
#include <string>

#include "net/tls.hpp"

namespace voxgate::net {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const tls_settings& settings);
// Sets SNI (not for IP literals, RFC 6066) and the hostname check. Returns false if SNI fails.
bool prepare_tls_stream(SSL* ssl, const std::string& host);
bool is_ip_literal(const std::string& host);

}  // namespace voxgate::net
