// Header helpers: case-insensitive lookup in a header list, and a header read out of a raw HTTP head
// (what `voxgate load` does with the gateway's answers).
#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <string>

#include "net/headers.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The whole input as a head, asked for the headers the tools ask for.
  auto text = voxgate::fuzz::as_text(data, size);
  for (std::string_view name : {"content-length", "sec-websocket-accept", "upgrade", "x"}) {
    auto v = net::header_in_head(text, name);
    FUZZ_CHECK(voxgate::fuzz::inside(v, text) && v.find("\r\n") == std::string_view::npos);
    FUZZ_CHECK(v.empty() || v.front() != ' ');
  }

  FuzzedDataProvider in(data, size);
  auto name = in.ConsumeRandomLengthString(64);
  auto value = in.ConsumeRandomLengthString(256);
  auto head = in.ConsumeRandomLengthString(512);
  net::header_list list;
  while (in.remaining_bytes() > 0 && list.size() < 16) {
    auto k = in.ConsumeRandomLengthString(32);  // named: argument order is unspecified
    list.emplace_back(std::move(k), in.ConsumeRandomLengthString(64));
  }

  auto v = net::header_in_head(head, name);
  FUZZ_CHECK(voxgate::fuzz::inside(v, head));
  FUZZ_CHECK(net::find_header(list, name) == net::find_header(list, upper(name)));
  if (const auto* found = net::find_header(list, name)) FUZZ_CHECK(net::header_or(list, name, "\x01") == *found);

  // A head written by hand with one header line gives that header's value back, whatever case is asked.
  bool clean_name = !name.empty() && name.find_first_of(":\r\n") == std::string::npos;
  auto trimmed = value.substr(std::min(value.find_first_not_of(' '), value.size()));
  if (clean_name && trimmed.find_first_of("\r\n") == std::string::npos) {
    std::string built = "HTTP/1.1 101 Switching Protocols\r\n" + name + ": " + value + "\r\n\r\n";
    FUZZ_CHECK(net::header_in_head(built, upper(name)) == trimmed);
  }
  return 0;
}
