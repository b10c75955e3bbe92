#include "tests/fakes/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

extern char** environ;

namespace voxgate::fakes {

namespace {

bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

child_process::~child_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string child_process::start(std::vector<std::string> args, std::vector<std::string> env, std::string output) {
  if (pid_ > 0) return "already running";
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  ::posix_spawn_file_actions_init(&files);
  auto path = output.empty() ? std::string("/dev/null") : output;
  ::posix_spawn_file_actions_addopen(&files, 1, path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ::posix_spawn_file_actions_adddup2(&files, 1, 2);
  int spawned = ::posix_spawnp(&pid_, argv[0], &files, nullptr, argv.data(), envp.data());
  if (spawned != 0 && args[0].find('/') == std::string::npos) {
    auto sbin = "/usr/sbin/" + args[0];  // haproxy lives there, off a plain user's PATH
    spawned = ::posix_spawn(&pid_, sbin.c_str(), &files, nullptr, argv.data(), envp.data());
  }
  ::posix_spawn_file_actions_destroy(&files);
  if (spawned != 0) {
    pid_ = -1;
    return "cannot start " + args[0] + " (install it: scripts/bootstrap.sh --test)";
  }
  return {};
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void child_process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int child_process::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool wait_accepting(std::uint16_t port, std::chrono::milliseconds timeout, child_process* owner) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(port)) return true;
    if (owner && !owner->running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return accepts(port);
}

}  // namespace voxgate::fakes
