#include "tools/sim/vonage_wire.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "net/call_token.hpp"
#include "net/crypto.hpp"
#include "net/headers.hpp"
#include "net/json.hpp"
#include "net/providers/vonage/jwt.hpp"
#include "tools/sim/ids.hpp"

namespace voxgate::sim::vonage {
namespace {

std::string compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::pair<std::string, std::string> generate_key_pair() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (!key) return {};
  auto pem = [&](bool priv) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (priv)
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    else
      PEM_write_bio_PUBKEY(bio, key);
    char* data = nullptr;
    auto n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  };
  std::pair<std::string, std::string> out{pem(true), pem(false)};
  EVP_PKEY_free(key);
  return out;
}

std::string webhook_authorization(const std::string& secret, const std::string& api_key,
                                  const std::string& application_id, const std::string& payload, signing how) {
  if (secret.empty() || how == signing::none) return {};
  auto now = net::unix_now() - (how == signing::stale ? 3600 : 0);
  auto claims = R"({"iat":)" + std::to_string(now) + R"(,"jti":")" + random_uuid() +
                R"(","iss":"Vonage","payload_hash":")" + net::crypto::sha256_hex(payload) + R"(","api_key":)" +
                net::json::quote(api_key) + R"(,"application_id":)" + net::json::quote(application_id) + "}";
  if (how == signing::alg_none)
    return "Bearer " + net::vonage::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
           net::vonage::base64url_encode(claims) + ".";
  return "Bearer " + net::vonage::sign_hs256(how == signing::wrong_secret ? "not-the-secret" : secret, claims);
}

std::string query_payload(const net::param_list& params) {
  std::string object = "{";
  for (const auto& [k, v] : params)
    object += (object.size() > 1 ? "," : "") + net::json::quote(k) + ":" + net::json::quote(v);
  return object + "}";
}

ncco read_ncco(const net::http_client_response& answer) {
  ncco out;
  rapidjson::Document d;
  d.Parse(answer.body.c_str());
  if (net::header_or(answer.headers, "content-type").find("application/json") == std::string::npos) {
    out.error = "the answer is not application/json";
    return out;
  }
  if (d.HasParseError() || !d.IsArray() || d.Empty()) {
    out.error = "the NCCO is not a non-empty JSON array";
    return out;
  }
  const rapidjson::Value* connect = nullptr;
  for (const auto& action : d.GetArray()) {
    auto name = action.IsObject() ? net::json::string_or(action, "action") : std::string_view{};
    if (name == "connect")
      connect = &action;
    else if (name != "talk")
      out.error = "unexpected action";
  }
  if (!connect) return out;
  out.connects = true;
  const auto* endpoints = net::json::member(*connect, "endpoint");
  if (!endpoints || !endpoints->IsArray() || endpoints->Size() != 1) {
    out.error = "connect needs exactly one endpoint";
    return out;
  }
  const auto& e = (*endpoints)[0];
  out.endpoint_json = compact(e);
  out.uri = std::string(net::json::string_or(e, "uri"));
  out.content_type = std::string(net::json::string_or(e, "content-type"));
  const auto* headers = net::json::member(e, "headers");
  if (headers) out.headers_json = compact(*headers);
  const auto* event_url = net::json::member(*connect, "eventUrl");
  if (event_url && event_url->IsArray() && !event_url->Empty() && (*event_url)[0].IsString())
    out.event_url = (*event_url)[0].GetString();
  else if (event_url)
    out.error = "eventUrl must be an array of URLs";
  if (net::json::string_or(e, "type") != "websocket") out.error = "the endpoint is not a websocket";
  if (out.content_type == "audio/l16;rate=8000")
    out.frame_bytes = 320;
  else if (out.content_type == "audio/l16;rate=24000")
    out.frame_bytes = 960;
  else if (out.content_type != "audio/l16;rate=16000")
    out.error = "unsupported content-type " + out.content_type;
  if (out.uri.rfind("wss://", 0) != 0 && out.uri.rfind("ws://", 0) != 0) out.error = "the uri is not a ws(s) URL";
  if (headers && (!headers->IsObject() || out.headers_json.size() > 512))
    out.error = "headers must be a JSON object of at most 512 bytes";
  return out;
}

std::string connected_message(const std::string& content_type, const std::string& headers_json) {
  std::string out = R"({"event":"websocket:connected","content-type":)" + net::json::quote(content_type);
  if (headers_json.size() > 2) out += "," + headers_json.substr(1, headers_json.size() - 2);
  return out + "}";
}

std::string dtmf_message(char digit) {
  return R"({"event":"websocket:dtmf","digit":")" + std::string(1, digit) + R"(","duration":260})";
}

std::string notify_message(const std::string& payload_json) {
  return R"({"event":"websocket:notify","payload":)" + payload_json + "}";
}

std::string cleared_message() { return R"({"event":"websocket:cleared"})"; }

std::string event_json(const std::string& leg_uuid, const std::string& call_uuid, const std::string& status,
                       const std::string& ws_uri, const std::string& headers_json) {
  bool ws_leg = !ws_uri.empty();
  return R"({"from":"447700900000","to":)" + net::json::quote(ws_leg ? ws_uri : "442079460000") + R"(,"uuid":)" +
         net::json::quote(leg_uuid) + R"(,"conversation_uuid":)" + net::json::quote("CON-" + call_uuid) +
         R"(,"status":)" + net::json::quote(status) +
         R"(,"direction":"inbound","timestamp":"2026-01-01T12:00:00.000Z")" +
         (status == "completed" ? R"(,"duration":"12","disconnected_by":"user")" : "") +
         (ws_leg ? R"(,"headers":)" + (headers_json.empty() ? std::string("{}") : headers_json) : std::string()) + "}";
}

bool application_token_ok(const std::string& public_key_pem, const std::string& application_id,
                          std::string_view authorization, std::int64_t unix_now) {
  if (authorization.rfind("Bearer ", 0) != 0) return false;
  auto claims = net::vonage::verify_rs256(public_key_pem, authorization.substr(7));
  rapidjson::Document c;
  if (!claims || c.Parse(claims->c_str()).HasParseError() || !c.IsObject()) return false;
  auto exp = c.FindMember("exp");
  auto iat = c.FindMember("iat");
  return net::json::string_or(c, "application_id") == application_id && !net::json::string_or(c, "jti").empty() &&
         exp != c.MemberEnd() && exp->value.IsInt64() && exp->value.GetInt64() > unix_now && iat != c.MemberEnd() &&
         iat->value.IsInt64() && iat->value.GetInt64() <= unix_now + 60;
}

}  // namespace voxgate::sim::vonage
