// Asking an actor from an I/O thread without blocking it: a short-lived actor makes the request
// and hands the answer (or the error) to a callback.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace voxgate::app {

template <class Reply, class Handle, class... Ts>
void ask(caf::actor_system& sys, Handle target, std::chrono::milliseconds timeout, std::function<void(Reply)> on_reply,
         std::function<void(std::string)> on_error, Ts... args) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(target, timeout, args...)
        .then([=](Reply& r) { on_reply(std::move(r)); }, [=](caf::error& e) { on_error(self->system().render(e)); });
  });
}

}  // namespace voxgate::app
