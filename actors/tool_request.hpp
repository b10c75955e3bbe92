// Tool calls to the business's backend: the POST the gateway makes, and what the AI is told back.
#pragma once

#include "actors/call_env.hpp"
#include "actors/messages.hpp"

namespace voxgate::actors {

// POST TOOL_WEBHOOK_URL with {"call_id","provider","from","to","parameters":{...},"tool","arguments":{...}}.
net::http_client_request make_tool_request(const call_env& env, const incoming_call& call, const tool_call& tool);
// The function_call_output text: the body on 2xx, else {"error": "..."} the AI can speak around.
std::string tool_output_from(const net::http_client_response& response);

}  // namespace voxgate::actors
