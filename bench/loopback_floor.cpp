// What any load generator pays on this machine before doing anything useful: N loopback TCP
// connections, each carrying one message of a Twilio media frame's size every 20 ms, echoed back.
// No WebSocket, no JSON, no timers per call: plain send(), recv() and one level-triggered epoll on
// each side, the client on one core and the echo on another (forked). It prints the CPU each side
// spent per frame round trip and as a share of its core, and how many echoes came back, so the
// load tool's own cost (`voxgate load` against `echo_ai`) can be read as a multiple of this floor.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t message_bytes = 330;  // a 20 ms mu-law media message in a masked client frame
constexpr int frame_ms = 20;

struct options {
  int calls = 1000;
  double seconds = 10;
  int client_core = 1, echo_core = 0;
  std::uint16_t port = 18300;
};

void pin_to(int core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  sched_setaffinity(0, sizeof set, &set);
}

double cpu_seconds(int who) {
  rusage r{};
  getrusage(who, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

void watch(int epoll, int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

// The echo side: accepts, then writes back whatever it reads, until the listener is shut.
[[noreturn]] void run_echo(int listener, int core) {
  pin_to(core);
  int epoll = epoll_create1(0);
  watch(epoll, listener);
  std::vector<char> buffer(64 * 1024);
  epoll_event ready[512];
  for (;;) {
    int n = epoll_wait(epoll, ready, 512, -1);
    for (int i = 0; i < n; ++i) {
      int fd = ready[i].data.fd;
      if (fd == listener) {
        int call = accept(listener, nullptr, nullptr);
        if (call < 0) _exit(0);  // the client is done
        watch(epoll, call);
        continue;
      }
      ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
      if (got <= 0) {
        close(fd);
        continue;
      }
      if (send(fd, buffer.data(), static_cast<std::size_t>(got), 0) != got) close(fd);
    }
  }
}

int run(const options& o) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(o.port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || listen(listener, 4096) != 0) {
    std::perror("loopback_floor: listen");
    return 2;
  }
  pid_t echo = fork();
  if (echo == 0) run_echo(listener, o.echo_core);

  pin_to(o.client_core);
  int epoll = epoll_create1(0);
  std::vector<int> calls;
  for (int i = 0; i < o.calls; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
      std::perror("loopback_floor: connect (raise ulimit -n?)");
      kill(echo, SIGKILL);
      return 2;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    watch(epoll, fd);
    calls.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // Call i sends on millisecond (i mod 20) of each 20 ms period, as the load tool spreads its calls.
  std::string message(message_bytes, 'x');
  std::vector<char> buffer(64 * 1024);
  epoll_event ready[512];
  std::uint64_t sent = 0, bytes_back = 0;
  double cpu_start = cpu_seconds(RUSAGE_SELF);
  auto start = std::chrono::steady_clock::now();
  auto total_ms = static_cast<std::int64_t>(o.seconds * 1000);
  for (std::int64_t ms = 0; ms < total_ms; ++ms) {
    auto tick = start + std::chrono::milliseconds(ms);
    for (std::size_t i = static_cast<std::size_t>(ms % frame_ms); i < calls.size(); i += frame_ms)
      if (send(calls[i], message.data(), message.size(), 0) == static_cast<ssize_t>(message.size())) ++sent;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(tick + std::chrono::milliseconds(1) -
                                                                        std::chrono::steady_clock::now());
      int n = epoll_wait(epoll, ready, 512, static_cast<int>(std::max<std::int64_t>(0, left.count())));
      for (int i = 0; i < n; ++i) {
        ssize_t got = recv(ready[i].data.fd, buffer.data(), buffer.size(), 0);
        if (got > 0) bytes_back += static_cast<std::uint64_t>(got);
      }
      if (n <= 0 && left.count() <= 0) break;
    }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double client_cpu = cpu_seconds(RUSAGE_SELF) - cpu_start;

  shutdown(listener, SHUT_RDWR);
  for (int fd : calls) close(fd);
  kill(echo, SIGTERM);
  waitpid(echo, nullptr, 0);
  double echo_cpu = cpu_seconds(RUSAGE_CHILDREN);  // includes its accepts; small beside the run

  std::uint64_t echoed = bytes_back / message_bytes;
  std::printf(
      "{\n  \"calls\": %d,\n  \"seconds\": %.2f,\n  \"frames_sent\": %llu,\n  \"frames_echoed\": %llu,\n"
      "  \"client_cpu_share\": %.3f,\n  \"client_us_per_round_trip\": %.2f,\n  \"echo_cpu_share\": %.3f\n}\n",
      o.calls, wall, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(echoed), client_cpu / wall,
      sent ? 1e6 * client_cpu / static_cast<double>(sent) : 0.0, echo_cpu / wall);
  return echoed * 100 >= sent * 99 ? 0 : 1;  // 1: the floor itself could not keep up
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--calls")
      o.calls = std::atoi(value().c_str());
    else if (arg == "--seconds")
      o.seconds = std::atof(value().c_str());
    else if (arg == "--client-core")
      o.client_core = std::atoi(value().c_str());
    else if (arg == "--echo-core")
      o.echo_core = std::atoi(value().c_str());
    else if (arg == "--port")
      o.port = static_cast<std::uint16_t>(std::atoi(value().c_str()));
    else {
      std::fprintf(stderr,
                   "usage: loopback_floor [--calls N] [--seconds S] [--client-core C] [--echo-core E] [--port P]\n"
                   "  N loopback TCP connections, one %zu-byte message each per 20 ms, echoed back;\n"
                   "  prints each side's CPU. Exit 1 if fewer than 99%% of the frames came back.\n",
                   message_bytes);
      return 2;
    }
  }
  if (o.calls < 1 || o.seconds <= 0) {
    std::fprintf(stderr, "loopback_floor: --calls and --seconds must be positive\n");
    return 2;
  }
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  return run(o);
}
