#include "tools/sim/call_control_api.hpp"

#include <algorithm>

#include "net/url.hpp"

namespace voxgate::sim {

namespace {

bool among(std::string_view action, std::initializer_list<std::string_view> actions) {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

}  // namespace

call_control_api::call_control_api(std::uint16_t port) : server_(io_, net::http_server_options{"127.0.0.1", port}) {
  // POST /v2/calls/{call_control_id}/actions/{action}
  server_.route_prefix("POST", "/v2/calls/", [this](net::http_request req, net::responder respond) {
    std::string_view path = req.path();
    auto rest = path.substr(std::string_view("/v2/calls/").size());
    auto slash = rest.find('/');
    auto at = path.rfind("/actions/");
    call_control_command c{std::string(rest.substr(0, slash)),
                           std::string(at == std::string_view::npos ? path : path.substr(at + 9)), req.body};
    {
      std::lock_guard lock(mutex_);
      commands_.push_back(std::move(c));
    }
    changed_.notify_all();
    net::http_response res;
    res.content_type = "application/json";
    res.body = R"({"data":{"result":"ok"}})";
    respond(std::move(res));
  });
}

call_control_api::~call_control_api() {
  server_.stop();
  io_.stop();
}

std::string call_control_api::start() {
  auto err = server_.start();
  if (err.empty()) io_.start();
  return err;
}

std::optional<call_control_command> call_control_api::wait_for(std::initializer_list<std::string_view> actions,
                                                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<call_control_command> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const auto& c : commands_)
      if (among(c.action, actions)) {
        found = c;
        return true;
      }
    return false;
  });
  return found;
}

std::optional<call_control_command> call_control_api::take(std::string_view call_control_id,
                                                           std::initializer_list<std::string_view> actions) {
  auto id = net::percent_encode(call_control_id);
  std::lock_guard lock(mutex_);
  for (auto it = commands_.begin(); it != commands_.end(); ++it)
    if (it->call_control_id == id && among(it->action, actions)) {
      auto c = std::move(*it);
      commands_.erase(it);
      return c;
    }
  return std::nullopt;
}

}  // namespace voxgate::sim
