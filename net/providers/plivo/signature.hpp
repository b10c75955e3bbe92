// Plivo's V3 request signature (X-Plivo-Signature-V3, -Ma-V3, -V3-Nonce): base64(HMAC-SHA256(auth token,
// the URL, its sorted parameters and the nonce)), glued as Plivo's SDKs glue it (docs/providers/plivo.md 2.1).
// Pure: the caller supplies the URL Plivo called, built from PUBLIC_URL, never from the request's Host.
#pragma once

#include <string>
#include <string_view>

#include "net/url.hpp"

namespace voxgate::net::plivo {

// How the URL's query values enter the signed text: Plivo's Python and Node SDKs decode them, its Go
// SDK takes them as written. They agree whenever the URL holds no escape.
enum class query_values : bool { decoded, raw };

// The text V3 signs. `method` is GET or POST; `params` are a POST's form fields (ignored for GET, whose
// parameters are the URL's query). Empty when the URL's query cannot be decoded.
std::string signed_text(std::string_view method, std::string_view full_url, const param_list& params,
                        std::string_view nonce, query_values values = query_values::decoded);

std::string compute_signature(std::string_view auth_token, std::string_view method, std::string_view full_url,
                              const param_list& params, std::string_view nonce,
                              query_values values = query_values::decoded);

// Constant-time check of one header's value, which may hold several comma-separated signatures: a
// match on any of them passes. Tries both readings of the query's values.
bool verify_signature(std::string_view auth_token, std::string_view method, std::string_view full_url,
                      const param_list& params, std::string_view nonce, std::string_view header_value);

}  // namespace voxgate::net::plivo
