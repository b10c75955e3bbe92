// TwiML as the tools read it: parse_stream_instruction over any text, XML unescaping, and every
// <Connect><Stream> answer the gateway writes read back (url and <Parameter>s).
#include <fuzzer/FuzzedDataProvider.h>

#include "net/providers/twilio/twiml.hpp"
#include "net/xml.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/sim/twilio_caller.hpp"

namespace net = voxgate::net;
namespace twilio = voxgate::net::twilio;
namespace sim = voxgate::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = voxgate::fuzz::as_text(data, size);
  if (auto s = sim::twilio::parse_stream_instruction(text)) FUZZ_CHECK(!s->url.empty() && s->url.size() <= size);
  FUZZ_CHECK(sim::twilio::unescape_xml(text).size() <= size);
  FUZZ_CHECK(sim::twilio::unescape_xml(net::xml_escape(text)) == text);

  FuzzedDataProvider in(data, size);
  auto url = in.ConsumeRandomLengthString(200);
  auto callback = in.ConsumeBool() ? in.ConsumeRandomLengthString(100) : std::string{};
  net::param_list params, kept;
  for (auto n = in.ConsumeIntegralInRange<int>(0, 4); n > 0; --n) {
    auto k = in.ConsumeRandomLengthString(64);  // named: argument order is unspecified
    params.emplace_back(std::move(k), in.ConsumeRandomLengthString(600));
    if (params.back().first.size() + params.back().second.size() <= twilio::max_parameter_length)
      kept.push_back(params.back());
  }
  auto twiml = twilio::connect_stream(url, params, callback);
  auto s = sim::twilio::parse_stream_instruction(twiml);
  FUZZ_CHECK(s.has_value() == !url.empty());
  if (s) FUZZ_CHECK(s->url == url && s->parameters == kept);
  FUZZ_CHECK(!sim::twilio::parse_stream_instruction(twilio::say_and_hangup(url)));
  FUZZ_CHECK(!sim::twilio::parse_stream_instruction(twilio::reject(url)));
  return 0;
}
