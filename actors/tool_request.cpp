#include "actors/tool_request.hpp"

#include <rapidjson/document.h>

#include "net/json.hpp"

namespace voxgate::actors {

net::http_client_request make_tool_request(const call_env& env, const incoming_call& call, const tool_call& tool) {
  std::string body = R"({"call_id":)";
  net::json::append_string(body, call.call_id);
  body += R"(,"provider":)";
  net::json::append_string(body, to_string(call.provider));
  body += R"(,"from":)";
  net::json::append_string(body, call.from);
  body += R"(,"to":)";
  net::json::append_string(body, call.to);
  body += R"(,"parameters":{)";
  bool first = true;
  for (const auto& [k, v] : call.parameters) {
    if (!first) body += ',';
    first = false;
    net::json::append_string(body, k);
    body += ':';
    net::json::append_string(body, v);
  }
  body += R"(},"tool":)";
  net::json::append_string(body, tool.name);
  body += R"(,"tool_call_id":)";
  net::json::append_string(body, tool.call_id);
  body += R"(,"arguments":)";
  // The AI's arguments are JSON text; embed them as JSON when they parse, else as a string.
  rapidjson::Document args;
  if (net::json::parse(args, tool.arguments).empty() && args.IsObject())
    body += tool.arguments;
  else
    net::json::append_string(body, tool.arguments);
  body += '}';

  net::http_client_request req;
  req.method = "POST";
  req.url = env.tool_webhook_url;
  req.headers.emplace_back("content-type", "application/json");
  req.body = std::move(body);
  req.timeout = env.tool_timeout;
  req.max_response_bytes = 64 * 1024;
  return req;
}

std::string tool_output_from(const net::http_client_response& r) {
  if (r.ok()) return r.body;
  std::string why = !r.error.empty() ? "tool endpoint unreachable: " + r.error
                                     : "tool endpoint answered HTTP " + std::to_string(r.status);
  return R"({"error":)" + net::json::quote(why) + "}";
}

}  // namespace voxgate::actors
