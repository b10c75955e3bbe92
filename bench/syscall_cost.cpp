// What one system call costs on this machine, the unit of the gateway's I/O budget: a call that does
// nothing (getppid), a recv that finds a socket empty (EAGAIN), an epoll_ctl that re-arms a socket,
// and a 330-byte send with its recv over loopback (the size of a Twilio media frame on the wire).
// Run it pinned to one core: `taskset -c 0 build/bench/syscall_cost`.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace {

template <class F>
double microseconds_each(int times, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < times; ++i) f();
  std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
  return took.count() / times;
}

}  // namespace

int main() {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("listen on 127.0.0.1");
    return 1;
  }
  int client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("connect");
    return 1;
  }
  int server = accept(listener, nullptr, nullptr);
  fcntl(server, F_SETFL, O_NONBLOCK);
  int poller = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  epoll_ctl(poller, EPOLL_CTL_ADD, server, &event);

  char buffer[4096];
  char message[330] = {};
  constexpr int times = 1'000'000;
  std::printf("getppid:               %.3f us\n", microseconds_each(times, [] { (void)getppid(); }));
  std::printf("recv, socket empty:    %.3f us\n",
              microseconds_each(times, [&] { (void)recv(server, buffer, sizeof buffer, 0); }));
  std::printf("epoll_ctl MOD:         %.3f us\n",
              microseconds_each(times, [&] { epoll_ctl(poller, EPOLL_CTL_MOD, server, &event); }));
  std::printf("send 330 B + its recv: %.3f us\n", microseconds_each(times / 5, [&] {
                (void)send(client, message, sizeof message, 0);
                (void)recv(server, buffer, sizeof buffer, 0);
              }));
  close(poller);
  close(server);
  close(client);
  close(listener);
}
