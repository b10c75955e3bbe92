#include "tests/fakes/http_peer.hpp"

#include <condition_variable>
#include <future>

namespace voxgate::fakes {

http_peer::http_peer() : server_(io_, net::http_server_options{"127.0.0.1", 0}) {}

http_peer::~http_peer() {
  server_.stop();
  io_.stop();
}

void http_peer::on(std::string method, std::string prefix, answer_fn answer) {
  server_.route_prefix(std::move(method), std::move(prefix),
                       [this, answer = std::move(answer)](net::http_request req, net::responder respond) {
                         auto response = answer(req);
                         {
                           std::lock_guard lock(mutex_);
                           requests_.push_back(std::move(req));
                         }
                         changed_.notify_all();
                         respond(std::move(response));
                       });
}

std::string http_peer::start() {
  auto err = server_.start();
  if (err.empty()) io_.start();
  return err;
}

std::string http_peer::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

std::vector<net::http_request> http_peer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool http_peer::wait_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

net::http_client_response fetch_sync(net::io_runtime& io, net::http_client_request request) {
  auto promise = std::make_shared<std::promise<net::http_client_response>>();
  auto future = promise->get_future();
  net::http_fetch(io, std::move(request), [promise](net::http_client_response r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace voxgate::fakes
