#include "net/providers/vonage/webhook.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "net/crypto.hpp"
#include "net/json.hpp"

namespace voxgate::net::vonage {
namespace {

// Longest webhook body read: Vonage's are well under a kilobyte (SIP headers add a few).
constexpr std::size_t max_body_bytes = 64 * 1024;

bool vonage_field(std::string_view key) {
  return key == "uuid" || key == "conversation_uuid" || key == "from" || key == "to" || key == "region_url" ||
         key == "endpoint_type" || key.starts_with("SipHeader_");
}

std::string text_member(const rapidjson::Document& d, std::string_view key) {
  return std::string(json::string_or(d, key));
}

}  // namespace

bool is_uuid(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

std::optional<answer_webhook> parse_answer(const http_request& req, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<answer_webhook> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  answer_webhook a;
  auto query = parse_form(req.query());
  if (!query) return fail("answer webhook with a malformed query string");
  for (auto& [k, v] : *query)
    if (!vonage_field(k)) a.routing.emplace_back(k, v);
  if (req.method == "POST") {
    if (req.body.size() > max_body_bytes) return fail("answer webhook body too large");
    rapidjson::Document d;
    if (!json::parse(d, req.body).empty() || !d.IsObject()) return fail("answer webhook body is not a JSON object");
    a.uuid = text_member(d, "uuid");
    a.conversation_uuid = text_member(d, "conversation_uuid");
    a.from = text_member(d, "from");
    a.to = text_member(d, "to");
  } else {
    a.uuid = param_value(*query, "uuid");
    a.conversation_uuid = param_value(*query, "conversation_uuid");
    a.from = param_value(*query, "from");
    a.to = param_value(*query, "to");
  }
  if (!is_uuid(a.uuid)) return fail("answer webhook without a well-formed uuid");
  return a;
}

std::optional<event_webhook> parse_event(std::string_view body, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<event_webhook> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (body.size() > max_body_bytes) return fail("event webhook body too large");
  rapidjson::Document d;
  if (!json::parse(d, body).empty() || !d.IsObject()) return fail("event webhook body is not a JSON object");
  event_webhook e;
  // human/machine events name the call as call_uuid.
  e.uuid = text_member(d, "uuid");
  if (e.uuid.empty()) e.uuid = text_member(d, "call_uuid");
  e.status = text_member(d, "status");
  if (const auto* headers = json::member(d, "headers"); headers && headers->IsObject())
    e.call_uuid_header = std::string(json::string_or(*headers, "call_uuid"));
  if (!e.uuid.empty() && !is_uuid(e.uuid)) return fail("event webhook with a malformed uuid");
  if (!e.call_uuid_header.empty() && !is_uuid(e.call_uuid_header))
    return fail("event webhook with a malformed call_uuid header");
  return e;
}

std::vector<std::string> payload_hashes(const http_request& req) {
  std::vector<std::string> out;
  if (req.method != "GET") {
    out.push_back(crypto::sha256_hex(req.body));
    rapidjson::Document d;
    if (req.body.size() <= max_body_bytes && json::parse(d, req.body).empty()) {
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      d.Accept(writer);
      out.push_back(crypto::sha256_hex(std::string_view(buffer.GetString(), buffer.GetSize())));
    }
    return out;
  }
  // Vonage's support article: the query's parameters as a JSON object, in their order, no whitespace.
  std::string object = "{";
  for (const auto& [k, v] : parse_form(req.query()).value_or(param_list{}))
    object += (object.size() > 1 ? "," : "") + json::quote(k) + ":" + json::quote(v);
  out.push_back(crypto::sha256_hex(object + "}"));
  return out;
}

}  // namespace voxgate::net::vonage
