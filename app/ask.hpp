// Asking an actor from an I/O thread without blocking it: a short-lived actor makes the request
// and hands the answer (or the error) to a callback.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace voxgate::app {

// The asker's own deadline. CAF 0.17 keeps a request's timeout on its clock thread, set and
// cancelled from the worker across threads, with a lock and a wake-up each time (every webhook
// asks the supervisor); a message an actor sends itself later waits on its worker's own timer
// (actors/engine.cpp).
using ask_deadline_atom = caf::atom_constant<caf::atom("askdeadln")>;

template <class Reply, class Handle, class... Ts>
void ask(caf::actor_system& sys, Handle target, std::chrono::milliseconds timeout, std::function<void(Reply)> on_reply,
         std::function<void(std::string)> on_error, Ts... args) {
  sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    self->request(target, caf::infinite, args...)
        .then(
            [=](Reply& r) {
              on_reply(std::move(r));
              self->quit();
            },
            [=](caf::error& e) {
              on_error(self->system().render(e));
              self->quit();
            });
    self->delayed_send(self, timeout, ask_deadline_atom::value);
    return {[=](ask_deadline_atom) {
      on_error("no answer within " + std::to_string(timeout.count()) + " ms");
      self->quit();
    }};
  });
}

}  // namespace voxgate::app
