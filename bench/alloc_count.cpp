// Counts a running process's heap allocations, for bench/allocs.sh: preloaded (LD_PRELOAD), it wraps
// glibc's malloc family and, every 100 ms, appends "<unix ms> <allocations> <frees>" to the file
// named by ALLOC_COUNT_FILE. Allocations are malloc, calloc, realloc (of a new block or to a new size),
// aligned_alloc, memalign and posix_memalign; C++'s operator new comes through malloc.
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

extern "C" {

void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);
extern void __libc_free(void*);

static std::atomic<unsigned long> allocations, frees;

void* malloc(size_t n) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
void* memalign(size_t align, size_t n) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(align, n);
}
void* aligned_alloc(size_t align, size_t n) noexcept { return memalign(align, n); }
int posix_memalign(void** out, size_t align, size_t n) noexcept {
  void* p = memalign(align, n);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void free(void* p) noexcept {
  if (p) frees.fetch_add(1, std::memory_order_relaxed);
  __libc_free(p);
}

}  // extern "C"

static void* report(void* arg) {
  int fd = static_cast<int>(reinterpret_cast<long>(arg));
  char line[96];
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int n = snprintf(line, sizeof line, "%lld %lu %lu\n", static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000,
                     allocations.load(), frees.load());
    if (write(fd, line, static_cast<size_t>(n)) < 0) return nullptr;
    struct timespec tick = {0, 100 * 1000 * 1000};
    nanosleep(&tick, nullptr);
  }
}


__attribute__((constructor)) static void start_reporting() {
  const char* path = getenv("ALLOC_COUNT_FILE");
  if (!path) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  unsetenv("ALLOC_COUNT_FILE");  // children (none expected) would append to the same file
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&thread, &attr, report, reinterpret_cast<void*>(static_cast<long>(fd)));
  pthread_attr_destroy(&attr);
}
