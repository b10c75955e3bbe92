// Private to net/*.cpp: memory for one connection's operations in flight. Asio allocates each
// operation (a read, a write, the composed steps under them) through its handler's allocator; these
// few slots serve a connection's read and write chains, so an operation costs no heap allocation
// once the connection runs. A request too large, or with every slot taken, goes to the heap. Used
// only on the connection's own worker thread, so nothing here locks.
#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <new>

namespace voxgate::net {

class handler_memory {
 public:
  handler_memory() = default;
  handler_memory(const handler_memory&) = delete;
  handler_memory& operator=(const handler_memory&) = delete;

  void* allocate(std::size_t size) {
    if (size <= slot_bytes)
      for (auto& s : slots_)
        if (!s.used) {
          s.used = true;
          return s.bytes;
        }
    return ::operator new(size);
  }
  void deallocate(void* p) noexcept {
    for (auto& s : slots_)
      if (p == s.bytes) {
        s.used = false;
        return;
      }
    ::operator delete(p);
  }

 private:
  static constexpr std::size_t slot_bytes = 1536;
  struct slot {
    alignas(std::max_align_t) unsigned char bytes[slot_bytes];
    bool used = false;
  };
  std::array<slot, 3> slots_;
};

template <class T>
class handler_allocator {
 public:
  using value_type = T;
  explicit handler_allocator(handler_memory& memory) noexcept : memory_(&memory) {}
  template <class U>
  handler_allocator(const handler_allocator<U>& other) noexcept : memory_(other.memory()) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }
  handler_memory* memory() const noexcept { return memory_; }

  template <class U>
  bool operator==(const handler_allocator<U>& other) const noexcept {
    return memory_ == other.memory();
  }
  template <class U>
  bool operator!=(const handler_allocator<U>& other) const noexcept {
    return memory_ != other.memory();
  }

 private:
  handler_memory* memory_;
};

// A completion handler that calls a member of a connection it keeps alive, allocating the
// operations under it from the connection's memory.
template <class Connection>
struct memory_handler {
  using allocator_type = handler_allocator<void>;
  std::shared_ptr<Connection> self;
  handler_memory* memory;  // the connection's own, alive as long as `self`
  void (Connection::*member)(boost::system::error_code, std::size_t);

  allocator_type get_allocator() const noexcept { return allocator_type(*memory); }
  void operator()(boost::system::error_code ec, std::size_t n) { ((*self).*member)(ec, n); }
};

}  // namespace voxgate::net
