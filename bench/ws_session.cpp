#include "bench/ws_session.hpp"

#include <iostream>

namespace voxgate::bench {

namespace http = beast::http;

namespace {

struct pending_request : std::enable_shared_from_this<pending_request> {
  explicit pending_request(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
};

void accept_next(tcp::acceptor& acceptor, on_request handler) {
  acceptor.async_accept([&acceptor, handler](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      auto p = std::make_shared<pending_request>(std::move(socket));
      http::async_read(p->stream, p->buffer, p->request, [p, handler](beast::error_code ec, std::size_t) {
        if (ec) return;
        handler(p->stream.release_socket(), std::move(p->request));
      });
    }
    accept_next(acceptor, handler);
  });
}

}  // namespace

void answer_with_twiml(tcp::socket socket, const http::request<http::string_body>& request,
                       std::string_view stream_path) {
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  auto response = std::make_shared<http::response<http::string_body>>(http::status::ok, request.version());
  response->set(http::field::content_type, "text/xml");
  response->body() = R"(<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://)" +
                     std::string(request[http::field::host]) + std::string(stream_path) +
                     R"("/></Connect></Response>)";
  response->keep_alive(false);
  response->prepare_payload();
  http::async_write(*stream, *response, [stream, response](beast::error_code, std::size_t) {
    beast::error_code ec;
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
  });
}

void serve(boost::asio::io_context& io, std::uint16_t port, on_request handler) {
  auto acceptor = new tcp::acceptor(io);  // lives as long as the process
  tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), port);
  acceptor->open(at.protocol());
  acceptor->set_option(boost::asio::socket_base::reuse_address(true));
  acceptor->bind(at);
  acceptor->listen(4096);
  accept_next(*acceptor, std::move(handler));
}

}  // namespace voxgate::bench
