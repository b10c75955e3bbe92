// URLs, percent-encoding and forms: parse_url, percent_decode/encode, parse_form/encode_form.
#include <algorithm>

#include "net/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace net = voxgate::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = voxgate::fuzz::as_text(data, size);

  if (auto u = net::parse_url(text)) {
    FUZZ_CHECK(u->scheme == "http" || u->scheme == "https" || u->scheme == "ws" || u->scheme == "wss");
    FUZZ_CHECK(!u->host.empty() && u->host.find_first_of("/?#@") == std::string::npos);
    FUZZ_CHECK(!u->target.empty() && u->target[0] == '/' && u->target.find('#') == std::string::npos);
    FUZZ_CHECK(u->effective_port() != 0);
    // A port after a bracketed IPv6 literal is a port, not part of the host.
    if (auto b = u->host.rfind(']'); b != std::string::npos) FUZZ_CHECK(u->host.find(':', b) == std::string::npos);
    auto q = u->target.find('?');
    FUZZ_CHECK(u->path() == std::string_view(u->target).substr(0, q));
    FUZZ_CHECK(q == std::string::npos ? u->query().empty() : u->query() == std::string_view(u->target).substr(q + 1));
    // What it prints reads back the same.
    auto again = net::parse_url(u->origin() + u->target);
    FUZZ_CHECK(again && again->scheme == u->scheme && again->host == u->host && again->port == u->port &&
               again->target == u->target);
  }

  for (bool plus : {false, true}) {
    if (auto d = net::percent_decode(text, plus)) FUZZ_CHECK(d->size() <= size);
    auto e = net::percent_encode(text);
    FUZZ_CHECK(e.find_first_of("+ &=?#/") == std::string::npos);
    auto back = net::percent_decode(e, plus);
    FUZZ_CHECK(back && *back == text);
  }

  if (auto form = net::parse_form(text)) {
    auto again = net::parse_form(net::encode_form(*form));
    FUZZ_CHECK(again && *again == *form);
    for (const auto& [k, v] : *form) FUZZ_CHECK(net::find_param(*form, k) != nullptr);
  }
  return 0;
}
